-- wrk script for folio's benchmark: cycles through the URLs listed in $BENCH_URLS (one
-- path a line), so every connection asks for many distinct pages. BENCH_GZIP=1 sends
-- Accept-Encoding: gzip as a browser does; otherwise the identity body is asked for.
local paths = {}
for line in io.lines(os.getenv("BENCH_URLS")) do
	if #line > 0 then
		paths[#paths + 1] = line
	end
end
local headers = {}
if os.getenv("BENCH_GZIP") == "1" then
	headers["Accept-Encoding"] = "gzip"
end
local i = 0

-- Each wrk thread gets its own copy of this state; start threads at different places.
function setup(thread)
	thread:set("offset", math.random(#paths))
end

function init(args)
	i = tonumber(offset) or 0
end

function request()
	i = i % #paths + 1
	return wrk.format("GET", paths[i], headers)
end
