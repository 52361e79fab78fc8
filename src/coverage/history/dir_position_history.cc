#include "coverage/history/dir_position_history.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <map>

#include "core/file_util.h"
#include "coverage/history/columnar_codec.h"

namespace tilsyn::coverage {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kExt = ".tlh";

// Howard Hinnant's civil_from_days / days_from_civil.
void CivilFromDays(int64_t z, int* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int>(yy + (*m <= 2));
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

std::string DayToString(int64_t day) {
  int y;
  unsigned m, d;
  CivilFromDays(day, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

Result<int64_t> DayFromString(std::string_view s) {
  int y;
  unsigned m, d;
  if (s.size() != 10 || std::sscanf(std::string(s).c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3 ||
      m < 1 || m > 12 || d < 1 || d > 31) {
    return Status::InvalidArgument("not a YYYY-MM-DD day: " + std::string(s));
  }
  return DaysFromCivil(y, m, d);
}

std::string EscapeVehicle(std::string_view v) {
  std::string out;
  for (unsigned char c : v) {
    // A leading '.' is escaped so no name is "." or ".." or hidden.
    if (std::isalnum(c) || (c == '.' && !out.empty()) || c == '_' || c == '-') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string UnescapeVehicle(std::string_view v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '%' && i + 2 < v.size() && std::isxdigit(static_cast<unsigned char>(v[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(v[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(v.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(v[i]);
    }
  }
  return out;
}

std::string DirPositionHistory::DayPath(const std::string& vehicle, int64_t day) const {
  return root_ + "/" + EscapeVehicle(vehicle) + "/" + DayToString(day) + std::string(kExt);
}

Status DirPositionHistory::Append(const std::string& vehicle, std::span<const HistoryFix> fixes) {
  if (vehicle.empty()) return Status::InvalidArgument("vehicle name is empty", "vehicle");
  std::map<int64_t, std::vector<HistoryFix>> by_day;
  for (const auto& f : fixes) by_day[DayOf(f.time)].push_back(f);
  std::error_code ec;
  fs::create_directories(root_ + "/" + EscapeVehicle(vehicle), ec);
  if (ec) return Status::IoError("cannot create " + root_ + ": " + ec.message());
  std::vector<HistoryFix> old;
  for (auto& [day, add] : by_day) {
    const std::string path = DayPath(vehicle, day);
    if (fs::exists(path)) {
      TILSYN_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
      TILSYN_RETURN_IF_ERROR(DecodeFixes(bytes, &old).Annotate(path));
      // Newly imported fixes win over stored ones at the same time: put them first, stable sort.
      add.insert(add.end(), old.begin(), old.end());
    }
    std::stable_sort(add.begin(), add.end(),
                     [](const HistoryFix& a, const HistoryFix& b) { return a.time < b.time; });
    add.erase(
        std::unique(add.begin(), add.end(),
                    [](const HistoryFix& a, const HistoryFix& b) { return a.time == b.time; }),
        add.end());
    TILSYN_RETURN_IF_ERROR(WriteFileAtomic(path, EncodeFixes(add)));
  }
  return Status::Ok();
}

Result<std::vector<std::string>> DirPositionHistory::Vehicles() const {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(root_, ec)) return out;
  for (const auto& e : fs::directory_iterator(root_, ec)) {
    if (e.is_directory()) out.push_back(UnescapeVehicle(e.path().filename().string()));
  }
  if (ec) return Status::IoError("cannot list " + root_ + ": " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::vector<int64_t>> DirPositionHistory::Days(const std::string& vehicle) const {
  std::vector<int64_t> out;
  std::error_code ec;
  const std::string dir = root_ + "/" + EscapeVehicle(vehicle);
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.size() != 10 + kExt.size() || !name.ends_with(kExt)) continue;
    auto day = DayFromString(std::string_view(name).substr(0, 10));
    if (day.ok()) out.push_back(*day);
  }
  if (ec) return Status::IoError("cannot list " + dir + ": " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

Status DirPositionHistory::ReadDay(const std::string& vehicle, int64_t day,
                                   std::vector<HistoryFix>* out) const {
  const std::string path = DayPath(vehicle, day);
  auto bytes = ReadFile(path);
  if (!bytes.ok()) return Status::NotFound("no history for " + vehicle + " on " + DayToString(day));
  return DecodeFixes(*bytes, out).Annotate(path);
}

Status DirPositionHistory::DeleteDay(const std::string& vehicle, int64_t day) {
  const std::string path = DayPath(vehicle, day);
  std::error_code ec;
  fs::remove(path, ec);
  if (ec) return Status::IoError("cannot delete " + path + ": " + ec.message());
  // The vehicle's folder goes with its last day (its name is the vehicle's, too).
  fs::remove(root_ + "/" + EscapeVehicle(vehicle), ec);  // fails, harmlessly, unless empty
  return Status::Ok();
}

Result<int64_t> DeleteHistoryBefore(PositionHistory& history, int64_t first_kept_day) {
  int64_t deleted = 0;
  TILSYN_ASSIGN_OR_RETURN(std::vector<std::string> vehicles, history.Vehicles());
  for (const std::string& v : vehicles) {
    TILSYN_ASSIGN_OR_RETURN(std::vector<int64_t> days, history.Days(v));
    for (int64_t d : days) {
      if (d >= first_kept_day) break;  // ascending
      TILSYN_RETURN_IF_ERROR(history.DeleteDay(v, d));
      ++deleted;
    }
  }
  return deleted;
}

int64_t DirPositionHistory::DiskBytes() const {
  int64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root_, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file()) total += static_cast<int64_t>(it->file_size());
  }
  return total;
}

}  // namespace tilsyn::coverage
