#include "emulator/core/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "emulator/core/error.hpp"

namespace spiceloop {

namespace {
[[noreturn]] void fail(const std::filesystem::path& p, const char* what) {
  throw InputError("io.write", p.string(), std::string(what) + ": " + std::strerror(errno));
}
}  // namespace

void sync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;  // some file systems do not allow it; the rename is still atomic
  ::fsync(fd);
  ::close(fd);
}

void write_file_atomically(const std::filesystem::path& path, std::string_view text) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(tmp, "cannot create");
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      fail(tmp, "cannot write");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    fail(tmp, "cannot sync");
  }
  if (::close(fd) != 0) fail(tmp, "cannot close");
  if (std::rename(tmp.c_str(), path.c_str()) != 0) fail(path, "cannot rename into place");
  sync_directory(path.parent_path());
}

}  // namespace spiceloop
