// The vault's own script, as Obsidian Publish loads it. It must not fail.
document.documentElement.dataset.publishJs = "loaded";
