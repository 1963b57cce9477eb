// The JSON message stream an engine answers `POST /images/load` with: objects one after
// another ({"stream":"Loaded image: web:1\n"}, {"status":...,"progressDetail":...}), and,
// when the load fails, {"errorDetail":{"message":...},"error":...} inside an HTTP 200
// body. The stream comes from a socket: it is parsed as hostile input, a bounded piece at
// a time, and nothing malformed is fatal to the parser; it is an error of the load.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imgstrip {

// Text from the engine for one line of a message: control characters (podman's errors
// span lines) become spaces, and it is cut at 400 bytes.
std::string engine_text(std::string_view text);

class MessageStream {
 public:
  // Limits: one message's bytes, and how many names are kept.
  static constexpr size_t kMaxMessageBytes = 1 << 20;
  static constexpr size_t kMaxNames = 256;

  // Takes the next bytes of the body (any split: a message may span calls).
  void feed(std::string_view bytes);
  // The body has ended; a message cut off in the middle is an error.
  void finish();

  // The first error: what the engine said ({"error"} / {"errorDetail"}), or what was wrong
  // with the stream. One line.
  const std::optional<std::string>& error() const { return error_; }
  // Images the engine reported loaded: "web:1" from "Loaded image: web:1",
  // "sha256:..." from "Loaded image ID: sha256:...".
  const std::vector<std::string>& loaded() const { return loaded_; }
  size_t messages() const { return messages_; }

 private:
  void take(std::string_view message);
  void set_error(std::string text);

  std::string pending_;  // bytes of the message being read
  int depth_ = 0;        // nesting of the message being read
  bool in_string_ = false;
  bool escaped_ = false;
  bool overflow_ = false;  // the current message passed the limit: skip to its end
  bool broken_ = false;    // framing lost (garbage, too deep): the rest is ignored
  std::optional<std::string> error_;
  std::vector<std::string> loaded_;
  size_t messages_ = 0;
};

}  // namespace imgstrip
