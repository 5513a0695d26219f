#include "metrics/metrics_registry.hpp"

namespace omni::collector::metrics {

void FamilyBase::render(std::string& out) const {
  out += "# HELP ";
  out += name_;
  out.push_back(' ');
  append_escaped_help(out, help_);
  out += "\n# TYPE ";
  out += name_;
  out.push_back(' ');
  out += type_;
  out.push_back('\n');
  std::vector<ChildView> sorted = children();
  // Children are kept newest first; a stable order makes scrapes easy to read and to diff.
  std::sort(sorted.begin(), sorted.end(), [](const ChildView& a, const ChildView& b) {
    return *a.values < *b.values;
  });
  for (const ChildView& child : sorted) render_child(out, child);
}

void Registry::check_new_family(const std::string& name,
                                const std::vector<std::string>& label_names,
                                bool histogram) const {
  if (!is_valid_metric_name(name)) throw std::invalid_argument("invalid metric name: " + name);
  for (std::size_t i = 0; i < label_names.size(); ++i) {
    const std::string& label = label_names[i];
    if (!is_valid_label_name(label) || (histogram && label == "le")) {
      throw std::invalid_argument(name + ": invalid label name: " + label);
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (label_names[j] == label) throw std::invalid_argument(name + ": repeated label " + label);
    }
  }
  for (const auto& family : families_) {
    if (family->name() == name) throw std::invalid_argument("metric registered twice: " + name);
  }
}

Family<Counter>& Registry::counter_family(std::string name, std::string help,
                                          std::vector<std::string> label_names) {
  std::lock_guard<std::mutex> lock(mutex_);
  check_new_family(name, label_names, false);
  auto family = std::make_unique<Family<Counter>>(std::move(name), std::move(help), "counter",
                                                  std::move(label_names),
                                                  [] { return std::make_unique<Counter>(); });
  Family<Counter>& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

Family<Gauge>& Registry::gauge_family(std::string name, std::string help,
                                      std::vector<std::string> label_names) {
  std::lock_guard<std::mutex> lock(mutex_);
  check_new_family(name, label_names, false);
  auto family = std::make_unique<Family<Gauge>>(std::move(name), std::move(help), "gauge",
                                                std::move(label_names),
                                                [] { return std::make_unique<Gauge>(); });
  Family<Gauge>& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

Family<Histogram>& Registry::histogram_family(std::string name, std::string help,
                                              std::vector<std::string> label_names,
                                              std::vector<double> bounds) {
  std::lock_guard<std::mutex> lock(mutex_);
  check_new_family(name, label_names, true);
  if (!valid_bucket_bounds(bounds)) {
    throw std::invalid_argument(name + ": bucket bounds must be finite and strictly increasing");
  }
  // Every child shares one copy of the bounds.
  auto shared = std::make_shared<const std::vector<double>>(std::move(bounds));
  auto family = std::make_unique<Family<Histogram>>(
      std::move(name), std::move(help), "histogram", std::move(label_names),
      [shared] { return std::make_unique<Histogram>(shared); });
  Family<Histogram>& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

Counter& Registry::counter(std::string name, std::string help) {
  return counter_family(std::move(name), std::move(help), {}).with({});
}

Gauge& Registry::gauge(std::string name, std::string help) {
  return gauge_family(std::move(name), std::move(help), {}).with({});
}

Histogram& Registry::histogram(std::string name, std::string help, std::vector<double> bounds) {
  return histogram_family(std::move(name), std::move(help), {}, std::move(bounds)).with({});
}

std::string Registry::render() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string out;
  for (const auto& family : families_) family->render(out);
  return out;
}

}  // namespace omni::collector::metrics
