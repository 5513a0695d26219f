#include <catch2/catch.hpp>

#include <memory>
#include <thread>

#include <boost/asio/io_context.hpp>

#include "http/connection_registry.hpp"
#include "http/http_session.hpp"

using namespace omni::collector::http;

namespace {

class NullHandler final : public RequestHandler {
 public:
  void handle(Request&&, const IpAddress&, Respond) override {}
  StringResponse body_too_large(const Request&) override { return StringResponse{}; }
};

struct Fixture {
  std::shared_ptr<HttpSession> session() {
    // An unopened socket: the session is never run, only registered.
    return std::make_shared<HttpSession>(boost::asio::ip::tcp::socket(ioc), handler, registry,
                                         SessionSettings{});
  }
  boost::asio::io_context ioc;
  NullHandler handler;
  ConnectionRegistry registry;
};

}  // namespace

TEST_CASE("the registry counts sessions and reaches each live one", "[connections]") {
  Fixture f;
  auto a = f.session();
  auto b = f.session();
  const auto id_a = f.registry.add(a);
  const auto id_b = f.registry.add(b);
  CHECK(id_a != id_b);
  CHECK(f.registry.size() == 2);
  int visited = 0;
  f.registry.for_each([&](const std::shared_ptr<HttpSession>&) { ++visited; });
  CHECK(visited == 2);

  b.reset();  // destroyed but not yet removed: for_each skips it
  visited = 0;
  f.registry.for_each([&](const std::shared_ptr<HttpSession>&) { ++visited; });
  CHECK(visited == 1);
  f.registry.remove(id_b);
  CHECK(f.registry.size() == 1);
  f.registry.remove(id_a);
  CHECK(f.registry.size() == 0);
}

TEST_CASE("waiting for the last session returns when it goes, or at the timeout",
          "[connections]") {
  Fixture f;
  auto a = f.session();
  const auto id = f.registry.add(a);
  CHECK_FALSE(f.registry.wait_until_empty(20));
  std::thread remover([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    f.registry.remove(id);
  });
  CHECK(f.registry.wait_until_empty(5000));
  remover.join();
  CHECK(f.registry.wait_until_empty(0));
}

TEST_CASE("shutdown is a flag every session can read", "[connections]") {
  ConnectionRegistry registry;
  CHECK_FALSE(registry.shutting_down());
  registry.begin_shutdown();
  CHECK(registry.shutting_down());
}
