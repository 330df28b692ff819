/*
 * entity.h: HTML5 named character references ("&ouml;" and friends), for turning the
 * entities md4c reports verbatim into the characters CommonMark says they stand for.
 */
#ifndef RENDERER_ENTITY_H
#define RENDERER_ENTITY_H

#include <stddef.h>

/*
 * Looks up a name without its '&' and ';' ("ouml"). Returns its UTF-8 expansion (a static,
 * NUL-terminated string of one or two characters), or NULL for an unknown name. Case matters.
 */
const char *entity_lookup(const char *name, size_t len);

#endif
