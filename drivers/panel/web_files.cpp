#include "drivers/panel/web_files.hpp"

namespace spiceloop::panel {

const WebFile* find_web_file(std::string_view target) {
  target = target.substr(0, target.find_first_of("?#"));
  if (target == "/") target = "/index.html";
  for (const WebFile& f : web_files())
    if (f.path == target) return &f;
  return nullptr;
}

}  // namespace spiceloop::panel
