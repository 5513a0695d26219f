// The Prometheus text exposition format (version 0.0.4), both ways: the pieces render() writes
// (names checked, label values and HELP text escaped, numbers formatted) and a reader that
// parses such text back into samples, for tests and for tools that check a scrape.
//
// Pure functions, no state, thread-safe. Numbers use std::to_chars/from_chars (shortest
// round-trip form, no locale), so "0.1" renders as 0.1 whatever the process locale is.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace omni::collector::metrics {

/// [a-zA-Z_:][a-zA-Z0-9_:]*
bool is_valid_metric_name(std::string_view name);
/// [a-zA-Z_][a-zA-Z0-9_]*, and not starting with "__" (reserved by Prometheus).
bool is_valid_label_name(std::string_view name);

/// Appends `value` with backslash, double quote and line feed escaped (\\, \", \n).
void append_escaped_label_value(std::string& out, std::string_view value);
/// Appends HELP text with backslash and line feed escaped (quotes stay as they are).
void append_escaped_help(std::string& out, std::string_view help);

/// Shortest text that reads back as the same double, as a plain decimal between 1e-6 and 1e15
/// ("0.0005", not "5e-04"), with an exponent outside; +Inf, -Inf and NaN as Prometheus spells
/// them; integral values without a fraction ("3", not "3.0").
void append_number(std::string& out, double value);
void append_number(std::string& out, std::uint64_t value);
void append_number(std::string& out, std::int64_t value);

/// name1="value1",name2="value2" (no braces); names.size() must equal values.size().
std::string format_labels(const std::vector<std::string>& names,
                          const std::vector<std::string>& values);

/// One sample line read back: metric name (with its _bucket/_sum/_count suffix), labels in
/// the order written (values unescaped), value.
struct Sample {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;

  /// The value of label `name`, or "" when the sample has no such label.
  std::string label(std::string_view name) const;
};

/// Parses exposition text: comment lines (# HELP, # TYPE, others) and blank lines are skipped,
/// every other line must be `name{label="value",...} value` or `name value` (an optional
/// timestamp after the value is accepted and ignored). False with a message naming the line
/// number on the first malformed line; `out` then holds the samples before it.
bool parse_exposition(std::string_view text, std::vector<Sample>* out, std::string* error);

}  // namespace omni::collector::metrics
