#include "layer/parallel_gzip.h"

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

// zlib's own gzip reader (windowBits 15 + 16), which checks the CRC and length.
std::string gunzip(const std::string& gz) {
  z_stream z{};
  REQUIRE(inflateInit2(&z, 15 + 16) == Z_OK);
  std::string out(1 << 16, '\0'), all;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    rc = inflate(&z, Z_NO_FLUSH);
    all.append(out.data(), out.size() - z.avail_out);
  }
  bool whole = rc == Z_STREAM_END && z.avail_in == 0;
  inflateEnd(&z);
  REQUIRE(whole);
  return all;
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

TEST_CASE("parallel gzip: one gzip stream that zlib reads back, at block edges") {
  constexpr size_t kBlock = 128 * 1024;
  for (size_t n :
       {size_t{0}, size_t{1}, kBlock - 1, kBlock, kBlock + 1, 3 * kBlock, 5 * kBlock + 12345}) {
    std::string in = sample(n, static_cast<unsigned>(n));
    std::string gz = compress(in, 2);
    INFO("input of " << n << " bytes");
    CHECK(gunzip(gz) == in);
    // The header: gzip magic, deflate, no flags, mtime 0, OS unix.
    CHECK(gz.substr(0, 10) == std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10));
    // imgstrip's own reader too.
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
  // The dictionary carries across blocks: close to one zlib stream's size.
  uLongf bound = compressBound(static_cast<uLong>(in.size()));
  std::string whole(bound, '\0');
  REQUIRE(compress2(reinterpret_cast<Bytef*>(whole.data()), &bound,
                    reinterpret_cast<const Bytef*>(in.data()), static_cast<uLong>(in.size()),
                    6) == Z_OK);
  CHECK(one.size() < bound * 105 / 100);
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
