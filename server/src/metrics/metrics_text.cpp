#include "metrics/metrics_text.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace omni::collector::metrics {
namespace {

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

template <class Int>
void append_integer(std::string& out, Int value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

bool parse_number(std::string_view text, double* value) {
  if (text == "+Inf" || text == "Inf") {
    *value = std::numeric_limits<double>::infinity();
    return true;
  }
  if (text == "-Inf") {
    *value = -std::numeric_limits<double>::infinity();
    return true;
  }
  if (text == "NaN") {
    *value = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, *value);
  return result.ec == std::errc() && result.ptr == end && !text.empty();
}

/// Reads one sample line (already known not to be a comment or blank).
bool parse_line(std::string_view line, Sample* sample, std::string* why) {
  std::size_t i = 0;
  while (i < line.size() && (is_letter(line[i]) || is_digit(line[i]) || line[i] == '_' ||
                             line[i] == ':')) {
    ++i;
  }
  sample->name = std::string(line.substr(0, i));
  if (!is_valid_metric_name(sample->name)) {
    *why = "no valid metric name";
    return false;
  }
  if (i < line.size() && line[i] == '{') {
    ++i;
    for (;;) {
      if (i < line.size() && line[i] == '}') {
        ++i;
        break;
      }
      const std::size_t name_start = i;
      while (i < line.size() && line[i] != '=') ++i;
      const std::string_view label_name = line.substr(name_start, i - name_start);
      if (i + 1 >= line.size() || line[i + 1] != '"' || !is_valid_label_name(label_name)) {
        *why = "malformed label";
        return false;
      }
      i += 2;
      std::string value;
      bool closed = false;
      while (i < line.size()) {
        const char c = line[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c != '\\') {
          value.push_back(c);
          continue;
        }
        if (i >= line.size()) break;
        const char escaped = line[i++];
        if (escaped == 'n') {
          value.push_back('\n');
        } else if (escaped == '\\' || escaped == '"') {
          value.push_back(escaped);
        } else {
          *why = "unknown escape in a label value";
          return false;
        }
      }
      if (!closed) {
        *why = "unterminated label value";
        return false;
      }
      sample->labels.emplace_back(std::string(label_name), std::move(value));
      if (i < line.size() && line[i] == ',') ++i;
    }
  }
  if (i >= line.size() || line[i] != ' ') {
    *why = "no value";
    return false;
  }
  while (i < line.size() && line[i] == ' ') ++i;
  std::string_view rest = line.substr(i);
  const std::size_t space = rest.find(' ');
  const std::string_view value_text = rest.substr(0, space);
  if (!parse_number(value_text, &sample->value)) {
    *why = "the value is not a number";
    return false;
  }
  if (space != std::string_view::npos) {
    double timestamp = 0;
    if (!parse_number(rest.substr(space + 1), &timestamp)) {
      *why = "text after the value is not a timestamp";
      return false;
    }
  }
  return true;
}

}  // namespace

bool is_valid_metric_name(std::string_view name) {
  if (name.empty() || is_digit(name.front())) return false;
  for (char c : name) {
    if (!is_letter(c) && !is_digit(c) && c != '_' && c != ':') return false;
  }
  return true;
}

bool is_valid_label_name(std::string_view name) {
  if (name.empty() || is_digit(name.front())) return false;
  if (name.size() >= 2 && name[0] == '_' && name[1] == '_') return false;
  for (char c : name) {
    if (!is_letter(c) && !is_digit(c) && c != '_') return false;
  }
  return true;
}

void append_escaped_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
}

void append_escaped_help(std::string& out, std::string_view help) {
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
}

void append_number(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  // Shortest round-trip digits; plain decimals ("0.0005", as bucket bounds are usually
  // written) over the exponent form to_chars prefers when it is shorter ("5e-04"), except for
  // magnitudes where the decimal form would run long.
  char buffer[64];
  const double magnitude = std::fabs(value);
  const bool plain = magnitude == 0 || (magnitude >= 1e-6 && magnitude < 1e15);
  const auto result = plain ? std::to_chars(buffer, buffer + sizeof buffer, value,
                                            std::chars_format::fixed)
                            : std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

void append_number(std::string& out, std::uint64_t value) { append_integer(out, value); }
void append_number(std::string& out, std::int64_t value) { append_integer(out, value); }

std::string format_labels(const std::vector<std::string>& names,
                          const std::vector<std::string>& values) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (i != 0) out.push_back(',');
    out += names[i];
    out += "=\"";
    append_escaped_label_value(out, values[i]);
    out.push_back('"');
  }
  return out;
}

std::string Sample::label(std::string_view label_name) const {
  for (const auto& entry : labels) {
    if (entry.first == label_name) return entry.second;
  }
  return std::string();
}

bool parse_exposition(std::string_view text, std::vector<Sample>* out, std::string* error) {
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    Sample sample;
    std::string why;
    if (!parse_line(line, &sample, &why)) {
      *error = "line " + std::to_string(line_number) + ": " + why;
      return false;
    }
    out->push_back(std::move(sample));
  }
  return true;
}

}  // namespace omni::collector::metrics
