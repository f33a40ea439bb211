// The text under every JSON document (json_reader.hpp reads the values): a file read within a
// size limit, and a strict parse that refuses what JSON would silently accept or mangle: nesting
// deeper than json_limits::kMaxDepth, a key given twice in one object (JSON keeps the last),
// numbers beyond a double (read as infinity). Syntax errors name "<file>:<line>:<column>", the
// others the JSON pointer of the value ("<file>#/edges/3"). Ids are the kind's (DocumentKind):
// syntax, too_deep, duplicate_key, number_overflow, unreadable_file, file_too_large.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "emulator/core/json_reader.hpp"

namespace spiceloop {

namespace json_limits {
inline constexpr int kMaxDepth = 16;                           // nested arrays/objects
inline constexpr std::uintmax_t kMaxFileBytes = 256ull << 20;  // 256 MiB
}  // namespace json_limits

// source names the text in locations ("" for none: "<json>:line:column" and bare pointers).
nlohmann::json parse_json_text(std::string_view text, const std::string& source, const DocumentKind& kind);
// The whole file, refused before reading when over json_limits::kMaxFileBytes (not only JSON:
// CSV results go through here too).
std::string read_text_file(const std::string& path, const DocumentKind& kind);
// Both: the file's JSON, located by its path.
nlohmann::json load_json_file(const std::string& path, const DocumentKind& kind);

}  // namespace spiceloop
