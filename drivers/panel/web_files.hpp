#pragma once
// The page's files (web/ at the repository root), embedded into the binary at build time
// (tools/embed_web.cmake), so the panel needs no files beside the binary and never opens a path a
// request names: a request can only select one of these by its exact name.
#include <span>
#include <string_view>

namespace spiceloop::panel {

struct WebFile {
  std::string_view path;          // "/index.html", "/vendor/uplot/uPlot.esm.js"
  std::string_view content_type;  // "text/html; charset=utf-8"
  std::string_view body;
};

std::span<const WebFile> web_files();  // generated

// The file a request target names ("/" is /index.html; a query string is ignored), or null.
const WebFile* find_web_file(std::string_view target);

}  // namespace spiceloop::panel
