#include "fs/gzip_reader.h"

#include <zlib.h>

#include <catch2/catch.hpp>
#include <random>

#include "core/error.h"

using namespace imgstrip;

namespace {

// One gzip member made by zlib (windowBits 15 + 16: header with no name, CRC, length).
std::string zlib_gzip(const std::string& in, int level = 6) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, static_cast<uLong>(in.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  return out;
}

std::string noise(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s)
    c = static_cast<char>(rng() % 7 == 0 ? rng() : 'a' + rng() % 3);
  return s;
}

// Everything `gunzip_if_gzip` gives, read `chunk` bytes at a time.
std::string unzip(const std::string& gz, size_t chunk = 65536, uint64_t* consumed = nullptr) {
  StringReader raw(gz);
  CountingReader counted(raw);
  auto in = gunzip_if_gzip(counted, "test");
  std::string out, buf(chunk, '\0');
  while (size_t got = in->read(buf.data(), buf.size()))
    out.append(buf.data(), got);
  if (consumed) *consumed = counted.count();
  return out;
}

}  // namespace

TEST_CASE("gzip reader: zlib's output, read in any chunk size, input read to its end") {
  std::string in = noise(3 * 1024 * 1024 + 17, 1);
  std::string gz = zlib_gzip(in);
  for (size_t chunk : {size_t{1}, size_t{4093}, size_t{1} << 20}) {
    uint64_t consumed = 0;
    std::string chunked_in = chunk == 1 ? in.substr(0, 200000) : in;
    std::string chunked_gz = chunk == 1 ? zlib_gzip(chunked_in) : gz;
    CHECK(unzip(chunked_gz, chunk, &consumed) == chunked_in);
    CHECK(consumed == chunked_gz.size());
  }
  CHECK(unzip(zlib_gzip("")).empty());
}

TEST_CASE("gzip reader: every member of a multi-member stream, trailing bytes ignored") {
  std::string a = noise(300000, 2), b = noise(5, 3), c = noise(1 << 20, 4);
  std::string gz = zlib_gzip(a) + zlib_gzip(b) + zlib_gzip("") + zlib_gzip(c, 1);
  uint64_t consumed = 0;
  CHECK(unzip(gz, 8192, &consumed) == a + b + c);
  CHECK(consumed == gz.size());
  // Zero padding after the last member (gzip(1) and libarchive ignore it too).
  CHECK(unzip(gz + std::string(1000, '\0'), 8192, &consumed) == a + b + c);
  CHECK(consumed == gz.size() + 1000);
}

TEST_CASE("gzip reader: a header with a name, a comment and an extra field") {
  std::string in = noise(100000, 5);
  std::string plain = zlib_gzip(in);
  // FLG = FEXTRA | FNAME | FCOMMENT; the extra field, name and comment follow the 10 bytes.
  std::string header = plain.substr(0, 10);
  header[3] = 0x04 | 0x08 | 0x10;
  std::string extra = std::string("\x06\x00", 2) + "ab\x02\x00zz";
  std::string gz = header + extra + std::string("layer.tar\0", 10) +
                   std::string("a comment\0", 10) + plain.substr(10);
  CHECK(unzip(gz) == in);
}

TEST_CASE("gzip reader: damage is an Error naming the stream") {
  std::string in = noise(200000, 6);
  std::string gz = zlib_gzip(in);
  auto fails = [](const std::string& bytes) {
    try {
      unzip(bytes);
    } catch (const Error& e) {
      return std::string(e.what()).find("test") != std::string::npos;
    }
    return false;
  };
  for (size_t cut : {size_t{3}, size_t{10}, gz.size() / 2, gz.size() - 8, gz.size() - 1})
    CHECK(fails(gz.substr(0, cut)));
  std::string bad_crc = gz;
  bad_crc[gz.size() - 8] ^= 1;
  CHECK(fails(bad_crc));
  std::string bad_length = gz;
  bad_length[gz.size() - 4] ^= 1;
  CHECK(fails(bad_length));
  std::string bad_method = gz;
  bad_method[2] = 7;
  CHECK(fails(bad_method));
  std::string bad_data = gz;
  bad_data[gz.size() / 3] ^= 0x55;
  CHECK(fails(bad_data));
}

TEST_CASE("gzip reader: other input passes through whole") {
  CHECK(unzip("").empty());
  CHECK(unzip("x") == "x");
  CHECK(unzip(std::string("\x1f", 1)) == std::string("\x1f", 1));
  std::string tar = noise(70000, 7);
  uint64_t consumed = 0;
  CHECK(unzip(tar, 1000, &consumed) == tar);
  CHECK(consumed == tar.size());
}
