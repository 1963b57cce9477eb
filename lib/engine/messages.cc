#include "engine/messages.h"

#include <nlohmann/json.hpp>

namespace imgstrip {
namespace {

constexpr int kMaxDepth = 32;

bool blank(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

}  // namespace

std::string engine_text(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (out.size() >= 400) {
      out += "...";
      break;
    }
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

void MessageStream::feed(std::string_view bytes) {
  for (char c : bytes) {
    if (broken_) return;
    if (depth_ == 0) {
      if (blank(c)) continue;
      if (c != '{') {
        set_error("the engine's answer is not a stream of JSON messages");
        broken_ = true;
        return;  // the rest cannot be framed; error() says so
      }
    }
    if (!overflow_) {
      if (pending_.size() >= kMaxMessageBytes) {
        overflow_ = true;
        pending_.clear();
        set_error("a message from the engine is longer than 1 MiB");
      } else {
        pending_ += c;
      }
    }
    if (in_string_) {
      if (escaped_) {
        escaped_ = false;
      } else if (c == '\\') {
        escaped_ = true;
      } else if (c == '"') {
        in_string_ = false;
      }
      continue;
    }
    if (c == '"') {
      in_string_ = true;
    } else if (c == '{' || c == '[') {
      if (++depth_ > kMaxDepth) {
        set_error("a message from the engine is nested too deeply");
        broken_ = true;
        return;
      }
    } else if (c == '}' || c == ']') {
      if (--depth_ == 0) {
        if (!overflow_) take(pending_);
        pending_.clear();
        overflow_ = false;
      }
    }
  }
}

void MessageStream::finish() {
  if (!broken_ && (depth_ != 0 || in_string_))
    set_error("the engine's answer ends in the middle of a message");
}

void MessageStream::take(std::string_view message) {
  ++messages_;
  nlohmann::json j = nlohmann::json::parse(message, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    set_error("the engine sent a malformed message");
    return;
  }
  auto text = [&](const nlohmann::json& v) -> std::optional<std::string> {
    if (v.is_string()) return v.get<std::string>();
    return std::nullopt;
  };
  if (auto it = j.find("errorDetail"); it != j.end() && it->is_object()) {
    if (auto m = it->find("message"); m != it->end()) {
      if (auto s = text(*m)) {
        set_error(engine_text(*s));
        return;
      }
    }
  }
  if (auto it = j.find("error"); it != j.end()) {
    auto s = text(*it);
    set_error(s ? engine_text(*s) : "the engine reported an error");
    return;
  }
  if (auto it = j.find("stream"); it != j.end()) {
    auto s = text(*it);
    if (!s) return;
    std::string line = engine_text(*s);
    // docker: "Loaded image: web:1" or "Loaded image ID: sha256:..."; podman: "Loaded
    // image(s): localhost/web:1,localhost/other:2" (or one name per message).
    for (std::string_view prefix : {"Loaded image ID: ", "Loaded image(s): ", "Loaded image: "}) {
      if (!line.starts_with(prefix)) continue;
      std::string_view names = std::string_view(line).substr(prefix.size());
      while (!names.empty() && loaded_.size() < kMaxNames) {
        auto comma = names.find(',');
        std::string_view name = names.substr(0, comma);
        while (!name.empty() && name.front() == ' ')
          name.remove_prefix(1);
        if (!name.empty()) loaded_.emplace_back(name);
        if (comma == std::string_view::npos) break;
        names.remove_prefix(comma + 1);
      }
      break;
    }
  }
}

void MessageStream::set_error(std::string text) {
  if (!error_) error_ = text.empty() ? "the engine reported an empty error" : std::move(text);
}

}  // namespace imgstrip
