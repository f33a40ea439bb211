#include "emulator/learning/run/metrics.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "emulator/core/error.hpp"

namespace spiceloop {

MetricsWriter::MetricsWriter(const std::filesystem::path& path, bool fresh, std::uint64_t truncate_to)
    : path_(path) {
  if (fresh) {
    file_ = std::fopen(path.c_str(), "wb");
  } else {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec || size < truncate_to)
      throw InputError("checkpoint.metrics", path.string(),
                       "metrics file is shorter than the checkpoint says; it was not written by this run");
    std::filesystem::resize_file(path, truncate_to);  // drop lines written after the checkpoint
    file_ = std::fopen(path.c_str(), "ab");
    offset_ = truncate_to;
  }
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
}

void MetricsWriter::sync() {
  std::fflush(file_);
  ::fsync(::fileno(file_));
}

}  // namespace spiceloop
