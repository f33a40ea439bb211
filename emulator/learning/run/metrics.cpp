#include "emulator/learning/run/metrics.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "emulator/core/error.hpp"

namespace spiceloop {

namespace {

[[noreturn]] void not_this_run(const std::filesystem::path& path, const std::string& what) {
  throw InputError("checkpoint.metrics", path.string(),
                   what + ": it is not the file the checkpoint was written with; start the run again with --overwrite");
}

}  // namespace

MetricsWriter::MetricsWriter(const std::filesystem::path& path) : path_(path) {
  file_ = std::fopen(path.c_str(), "wb");
  if (!file_) throw InputError("io.write", path.string(), std::string("cannot open: ") + std::strerror(errno));
}

MetricsWriter::MetricsWriter(const std::filesystem::path& path, std::uint64_t truncate_to, const std::string& digest)
    : path_(path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size < truncate_to) not_this_run(path, "metrics file is missing or shorter than the checkpoint says");
  std::FILE* in = std::fopen(path.c_str(), "rb");
  if (!in) not_this_run(path, std::string("cannot read the metrics file: ") + std::strerror(errno));
  std::string chunk(1 << 16, '\0');
  for (std::uint64_t left = truncate_to; left > 0;) {
    const std::size_t n = std::fread(chunk.data(), 1, std::min<std::uint64_t>(left, chunk.size()), in);
    if (n == 0) break;
    digest_.add_bytes(std::string_view(chunk.data(), n));
    left -= n;
  }
  std::fclose(in);
  if (digest_.hex() != digest) not_this_run(path, "the metrics file's first " + std::to_string(truncate_to) +
                                                      " bytes differ from those the checkpoint recorded");
  std::filesystem::resize_file(path, truncate_to);  // drop lines written after the checkpoint
  file_ = std::fopen(path.c_str(), "ab");
  offset_ = truncate_to;
  if (!file_) throw InputError("io.write", path.string(), std::string("cannot open: ") + std::strerror(errno));
}

MetricsWriter::~MetricsWriter() {
  if (file_) std::fclose(file_);
}

void MetricsWriter::write(const nlohmann::ordered_json& record) {
  const std::string line = record.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0)
    throw InputError("io.write", path_.string(), std::string("cannot write: ") + std::strerror(errno));
  offset_ += line.size();
  digest_.add_bytes(line);
}

void MetricsWriter::sync() {
  std::fflush(file_);
  ::fsync(::fileno(file_));
}

}  // namespace spiceloop
