#include "metrics/metrics_scalar.hpp"

#include "metrics/metrics_text.hpp"

namespace omni::collector::metrics {

void append_series(std::string& out, std::string_view name, std::string_view labels) {
  out += name;
  if (!labels.empty()) {
    out.push_back('{');
    out += labels;
    out.push_back('}');
  }
  out.push_back(' ');
}

void Counter::render(std::string& out, std::string_view name, std::string_view labels) const {
  append_series(out, name, labels);
  append_number(out, value());
  out.push_back('\n');
}

void Gauge::render(std::string& out, std::string_view name, std::string_view labels) const {
  append_series(out, name, labels);
  append_number(out, value());
  out.push_back('\n');
}

}  // namespace omni::collector::metrics
