#include "layer/parallel_gzip.h"

#include <libdeflate.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <random>

#include "core/error.h"
#include "layer/decompress.h"

using namespace imgstrip;

namespace {

std::string compress(const std::string& in, unsigned threads, int level = 6, size_t chunk = 1000) {
  StringWriter out;
  auto c = make_parallel_gzip(level, out, threads);
  for (size_t i = 0; i < in.size(); i += chunk)
    c->write(in.data() + i, std::min(chunk, in.size() - i));
  c->finish();
  return out.data();
}

// zlib's own gzip reader (windowBits 15 + 16), which checks each member's CRC and length,
// over every member.
std::string gunzip(const std::string& gz) {
  z_stream z{};
  REQUIRE(inflateInit2(&z, 15 + 16) == Z_OK);
  std::string out(1 << 16, '\0'), all;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  int rc = Z_OK;
  for (;;) {
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    rc = inflate(&z, Z_NO_FLUSH);
    all.append(out.data(), out.size() - z.avail_out);
    if (rc == Z_STREAM_END && z.avail_in > 0) {
      REQUIRE(inflateReset(&z) == Z_OK);
      continue;
    }
    if (rc != Z_OK) break;
  }
  bool whole = rc == Z_STREAM_END && z.avail_in == 0;
  inflateEnd(&z);
  REQUIRE(whole);
  return all;
}

// How many gzip members (a header each) zlib finds.
size_t members(const std::string& gz) {
  z_stream z{};
  REQUIRE(inflateInit2(&z, 15 + 16) == Z_OK);
  std::string out(1 << 16, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  size_t n = 0;
  for (;;) {
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    int rc = inflate(&z, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) {
      ++n;
      if (z.avail_in == 0) break;
      REQUIRE(inflateReset(&z) == Z_OK);
    } else if (rc != Z_OK) {
      break;
    }
  }
  inflateEnd(&z);
  return n;
}

// Text-like data that compresses, with runs that repeat across block boundaries.
std::string sample(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s;
  const char* words[] = {"nginx ", "php-fpm ", "guestbook ", "\n", "seccomp ", "layer "};
  while (s.size() < n)
    s += words[rng() % 6];
  s.resize(n);
  return s;
}

}  // namespace

TEST_CASE("parallel gzip: gzip members that zlib reads back, at member edges") {
  constexpr size_t kMember = 1 << 20;
  for (size_t n : {size_t{0}, size_t{1}, kMember - 1, kMember, kMember + 1, 3 * kMember + 12345}) {
    std::string in = sample(n, static_cast<unsigned>(n));
    std::string gz = compress(in, 2);
    INFO("input of " << n << " bytes");
    CHECK(gunzip(gz) == in);
    CHECK(members(gz) == std::max<size_t>(1, (n + kMember - 1) / kMember));
    // The header: gzip magic, deflate, no flags, mtime 0.
    CHECK(gz.substr(0, 8) == std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00", 8));
    // imgstrip's own readers too: libarchive's (raw) and the ISA-L one in front of it.
    auto back = decompress(std::make_unique<StringReader>(gz));
    CHECK(read_all(*back, 1 << 30, "test") == in);
  }
}

TEST_CASE("parallel gzip: the same bytes whatever the number of threads or write sizes") {
  std::string in = sample(2 * 1024 * 1024 + 777, 7);
  std::string one = compress(in, 1);
  CHECK(compress(in, 2) == one);
  CHECK(compress(in, 8, 6, 1 << 20) == one);
  CHECK(compress(in, 3, 6, 1) == one);
  // Members of 1 MiB lose little to one libdeflate stream of the whole.
  std::unique_ptr<libdeflate_compressor, decltype(&libdeflate_free_compressor)> c(
      libdeflate_alloc_compressor(6), &libdeflate_free_compressor);
  std::string whole(libdeflate_gzip_compress_bound(c.get(), in.size()), '\0');
  size_t n = libdeflate_gzip_compress(c.get(), in.data(), in.size(), whole.data(), whole.size());
  REQUIRE(n > 0);
  CHECK(one.size() < n * 1005 / 1000);
}

TEST_CASE("parallel gzip: levels, random data, a bad level") {
  std::mt19937 rng(3);
  std::string noise(400000, '\0');
  for (auto& c : noise)
    c = static_cast<char>(rng());
  for (int level : {0, 1, 9, -1})
    CHECK(gunzip(compress(noise, 2, level)) == noise);
  StringWriter out;
  CHECK_THROWS_AS(make_parallel_gzip(10, out), Error);
}
