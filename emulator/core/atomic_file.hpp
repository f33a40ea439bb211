// Crash-safe file replacement: write PATH.tmp, fsync it, rename over PATH, fsync the directory.
// A reader sees the old file or the new one whole, never a torn one, even after kill -9 or a
// power cut. Throws InputError "io.write" naming the path on failure (the old file stays).
#pragma once

#include <filesystem>
#include <string_view>

namespace spiceloop {

void write_file_atomically(const std::filesystem::path& path, std::string_view text);

// fsync of an open descriptor's file or of a directory, for callers with their own files.
void sync_directory(const std::filesystem::path& dir);

}  // namespace spiceloop
