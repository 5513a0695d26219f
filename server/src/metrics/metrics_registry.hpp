// Metric families and the registry that renders them as Prometheus text.
//
// A family is one metric name with HELP, TYPE and label names; each distinct set of label
// values is a child (a Counter, Gauge or Histogram). Families are created at start-up through
// the Registry, which owns them; a family owns its children; neither is ever removed, so the
// references handed out stay valid for the registry's lifetime.
//
// Thread-safety: everything may be called from any thread. Finding an existing child is
// lock-free (children sit in an append-only list published with release/acquire), so hot paths
// that update a known label set never wait on a lock; only the first use of a label set takes
// the family's own mutex to create the child. render() takes the registry's mutex, which only
// guards the list of families (registration and scrapes), never an update.
//
// Errors: creating a family with an invalid or duplicate name, invalid label names (or "le"
// on a histogram), or invalid histogram bounds throws std::invalid_argument, as does with()
// given the wrong number of label values: all are programming errors found by the first run.
#pragma once

#include <algorithm>
#include <atomic>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/metrics_histogram.hpp"
#include "metrics/metrics_scalar.hpp"
#include "metrics/metrics_text.hpp"

namespace omni::collector::metrics {

class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, std::string_view type,
             std::vector<std::string> label_names)
      : name_(std::move(name)), help_(std::move(help)), type_(type),
        label_names_(std::move(label_names)) {}
  virtual ~FamilyBase() = default;
  FamilyBase(const FamilyBase&) = delete;
  FamilyBase& operator=(const FamilyBase&) = delete;

  const std::string& name() const { return name_; }
  const std::vector<std::string>& label_names() const { return label_names_; }

  /// Appends # HELP, # TYPE and one series per child, children ordered by label values.
  void render(std::string& out) const;

 protected:
  struct ChildView {
    const std::vector<std::string>* values;
    const std::string* labels_text;
    const void* metric;
  };
  virtual std::vector<ChildView> children() const = 0;
  virtual void render_child(std::string& out, const ChildView& child) const = 0;

 private:
  const std::string name_;
  const std::string help_;
  const std::string_view type_;
  const std::vector<std::string> label_names_;
};

template <class Metric>
class Family final : public FamilyBase {
 public:
  using Factory = std::function<std::unique_ptr<Metric>()>;

  Family(std::string name, std::string help, std::string_view type,
         std::vector<std::string> label_names, Factory make)
      : FamilyBase(std::move(name), std::move(help), type, std::move(label_names)),
        make_(std::move(make)) {}

  ~Family() override {
    Child* child = head_.load(std::memory_order_acquire);
    while (child != nullptr) {
      Child* next = child->next;
      delete child;
      child = next;
    }
  }

  /// The child for these label values (in the order of the family's label names), created on
  /// first use. Throws std::invalid_argument when the number of values is wrong.
  Metric& with(std::initializer_list<std::string_view> values) {
    if (values.size() != label_names().size()) {
      throw std::invalid_argument(name() + ": expected " +
                                  std::to_string(label_names().size()) + " label values");
    }
    if (Child* found = find(values, head_.load(std::memory_order_acquire))) return *found->metric;
    std::lock_guard<std::mutex> lock(create_mutex_);
    // Another thread may have created it between the lock-free look and the lock.
    Child* head = head_.load(std::memory_order_acquire);
    if (Child* found = find(values, head)) return *found->metric;
    auto child = std::make_unique<Child>();
    child->values.assign(values.begin(), values.end());
    child->labels_text = format_labels(label_names(), child->values);
    child->metric = make_();
    child->next = head;
    Child* published = child.release();
    head_.store(published, std::memory_order_release);
    return *published->metric;
  }

 private:
  struct Child {
    std::vector<std::string> values;
    std::string labels_text;  // rendered once, at creation
    std::unique_ptr<Metric> metric;
    Child* next = nullptr;
  };

  static Child* find(std::initializer_list<std::string_view> values, Child* child) {
    for (; child != nullptr; child = child->next) {
      if (std::equal(values.begin(), values.end(), child->values.begin())) return child;
    }
    return nullptr;
  }

  std::vector<ChildView> children() const override {
    std::vector<ChildView> out;
    for (Child* child = head_.load(std::memory_order_acquire); child != nullptr;
         child = child->next) {
      out.push_back({&child->values, &child->labels_text, child->metric.get()});
    }
    return out;
  }

  void render_child(std::string& out, const ChildView& child) const override {
    static_cast<const Metric*>(child.metric)->render(out, name(), *child.labels_text);
  }

  Factory make_;
  std::mutex create_mutex_;
  std::atomic<Child*> head_{nullptr};
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Family<Counter>& counter_family(std::string name, std::string help,
                                  std::vector<std::string> label_names);
  Family<Gauge>& gauge_family(std::string name, std::string help,
                              std::vector<std::string> label_names);
  /// `bounds`: the finite upper bounds, strictly increasing; +Inf is added by the format.
  Family<Histogram>& histogram_family(std::string name, std::string help,
                                      std::vector<std::string> label_names,
                                      std::vector<double> bounds);

  /// Unlabelled metrics: a family with no labels and its one child, which renders from 0.
  Counter& counter(std::string name, std::string help);
  Gauge& gauge(std::string name, std::string help);
  Histogram& histogram(std::string name, std::string help, std::vector<double> bounds);

  /// The text exposition of every family, in registration order.
  std::string render() const;

 private:
  void check_new_family(const std::string& name, const std::vector<std::string>& label_names,
                        bool histogram) const;

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<FamilyBase>> families_;
};

}  // namespace omni::collector::metrics
