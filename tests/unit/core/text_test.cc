// Small text helpers shared by the readers: hexadecimal digits and UTF-8 encoding.
#include <catch2/catch.hpp>

#include "core/text.h"

using namespace imgstrip;

TEST_CASE("hex_value reads one hexadecimal digit", "[core][text]") {
  CHECK(hex_value('0') == 0);
  CHECK(hex_value('9') == 9);
  CHECK(hex_value('a') == 10);
  CHECK(hex_value('F') == 15);
  CHECK(hex_value('g') == -1);
  CHECK(hex_value('\0') == -1);
}

TEST_CASE("append_utf8 encodes every length, and U+FFFD past U+10FFFF", "[core][text]") {
  std::string s;
  append_utf8(s, 0x24);      // $
  append_utf8(s, 0xA2);      // ¢
  append_utf8(s, 0x20AC);    // €
  append_utf8(s, 0x10348);   // 𐍈
  append_utf8(s, 0x110000);  // not a code point
  CHECK(s == "$\xC2\xA2\xE2\x82\xAC\xF0\x90\x8D\x88\xEF\xBF\xBD");
}
