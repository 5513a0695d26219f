#include "admin/export_spool.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "admin/admin_events_handler.hpp"

namespace omni::collector::admin {

namespace beast = boost::beast;

namespace {

bool write_all(beast::file& file, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    beast::error_code ec;
    const std::size_t n = file.write(data.data() + done, data.size() - done, ec);
    if (ec || n == 0) return false;
    done += n;
  }
  return true;
}

}  // namespace

bool spool_export(EventStore& store, const ExportQuery& query,
                  beast::http::file_body::value_type* body) {
  std::error_code fs_error;
  const std::filesystem::path dir = std::filesystem::temp_directory_path(fs_error);
  if (fs_error) return false;
  std::string name = (dir / "omni-export-XXXXXX").string();
  const int fd = ::mkstemp(name.data());
  if (fd < 0) return false;
  ::unlink(name.c_str());  // the descriptor keeps the data; nothing is left behind on any exit
  beast::file file;
  file.native_handle(fd);  // owns fd from here on

  ExportQuery page = query;
  std::string lines;
  std::vector<EventRecord> records;
  for (;;) {
    if (!store.export_page(page, &records)) return false;
    lines.clear();
    for (const EventRecord& record : records) {
      lines += event_item_json(record);
      lines += '\n';
    }
    if (!write_all(file, lines)) return false;
    if (records.size() < page.limit) break;
    page.after_id = records.back().id;
  }
  beast::error_code ec;
  file.seek(0, ec);
  if (ec) return false;
  body->reset(std::move(file), ec);
  return !ec;
}

}  // namespace omni::collector::admin
