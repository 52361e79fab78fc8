#include "demo/summary.h"

#include <fstream>
#include <set>
#include <sstream>

namespace tilsyn::demo {

Result<Json> BuildSummary(store::Store& store, const std::vector<Json>& agent_reports,
                          const Json& webhook) {
  Json s = Json::object();
  store::TaskFilter all;
  all.limit = 100000;
  TILSYN_ASSIGN_OR_RETURN(auto tasks, store.ListTasks(all));
  s["tasks"] = tasks.size();
  TILSYN_ASSIGN_OR_RETURN(auto jobs, store.JobsSince(0));
  std::set<std::string> job_ids;
  for (const auto& j : jobs) job_ids.insert(j.id);
  s["jobs"] = job_ids.size();
  int64_t captures = 0, outside = 0, uploaded = 0, rejected = 0, pending = 0, duplicates = 0;
  for (const Json& r : agent_reports) {
    captures += r.value("captures", 0);
    outside += r.value("captures_outside_geofence", 0);
    uploaded += r.value("uploaded", 0);
    rejected += r.value("rejected", 0);
    pending += r.value("pending", 0);
    duplicates += r.value("duplicates", 0);
  }
  s["vehicles"] = agent_reports.size();
  s["captures"] = captures;
  s["captures_outside_geofence"] = outside;
  s["uploads"] = {{"uploaded", uploaded}, {"duplicates", duplicates}, {"rejected", rejected},
                  {"pending", pending}};
  TILSYN_ASSIGN_OR_RETURN(auto obs, store.CountObservationsByState());
  s["observations"] = Json::object();
  for (const char* st : {"received", "stored", "assessed", "done", "failed"}) s["observations"][st] = 0;
  for (const auto& [k, v] : obs) s["observations"][k] = v;
  TILSYN_ASSIGN_OR_RETURN(auto outcomes, store.CountAssessmentsByOutcome());
  s["assessments"] = {{"ok", 0}, {"finding", 0}, {"inconclusive", 0}};
  for (const auto& [k, v] : outcomes) s["assessments"][k] = v;
  TILSYN_ASSIGN_OR_RETURN(auto stats, store.ServiceStatsSummary());
  Json runs = Json::object(), rates = Json::object();
  int64_t fallbacks = 0;
  for (const auto& st : stats) {
    runs[st.service] = runs.value(st.service, 0) + st.calls;
    fallbacks += st.fallbacks;
    rates[st.service + "/" + st.label] = {
        {"calls", st.calls},
        {"good_enough_rate", st.calls ? static_cast<double>(st.good_enough) / st.calls : 0.0},
        {"errors", st.errors},
        {"p50_ms", st.p50_ms},
        {"p95_ms", st.p95_ms}};
  }
  s["recognition_runs"] = runs;
  s["fallbacks"] = fallbacks;
  s["service_stats"] = rates;
  TILSYN_ASSIGN_OR_RETURN(auto actions, store.ListActionRuns(std::nullopt, 100000));
  Json acts = Json::object();
  int64_t attempts = 0;
  for (const auto& a : actions) {
    std::string st(store::ToString(a.status));
    if (!acts.contains(a.type)) acts[a.type] = Json::object();
    acts[a.type][st] = acts[a.type].value(st, 0) + 1;
    attempts += a.attempts;
  }
  s["actions"] = acts;
  s["action_attempts"] = attempts;
  TILSYN_ASSIGN_OR_RETURN(auto blobs, store.CountBlobs());
  s["images_deleted"] = blobs.count("deleted") ? blobs.at("deleted") : 0;
  s["images_kept"] = blobs.count("kept") ? blobs.at("kept") : 0;
  s["webhook_receiver"] = webhook;
  return s;
}

Result<Json> TaskOutcomes(store::Store& store, const std::vector<Site>& sites) {
  store::TaskFilter all;
  all.limit = 100000;
  TILSYN_ASSIGN_OR_RETURN(auto tasks, store.ListTasks(all));
  Json out = Json::array();
  for (const Site& site : sites) {
    Json e = {{"title", site.name},
              {"kind", site.task.value("kind", "")},
              {"expected", site.expected},
              {"known_miss", site.known_miss},
              {"got", "none"},
              {"assessments", 0}};
    for (const tasks::Task& t : tasks) {
      if (t.title != site.name) continue;
      store::AssessmentFilter f;
      f.task_id = t.id;
      f.limit = 1000;
      TILSYN_ASSIGN_OR_RETURN(auto list, store.ListAssessments(f));
      std::set<std::string> outcomes;
      for (const auto& a : list) outcomes.insert(a.outcome);
      std::string got;
      for (const std::string& o : outcomes) got += (got.empty() ? "" : "+") + o;
      if (!got.empty()) e["got"] = got;
      e["assessments"] = list.size();
    }
    out.push_back(std::move(e));
  }
  return out;
}

Json SumMetricFamilies(const std::string& text) {
  Json out = Json::object();
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t name_end = line.find_first_of("{ ");
    const size_t space = line.rfind(' ');
    if (name_end == std::string::npos || space == std::string::npos) continue;
    std::string name = line.substr(0, name_end);
    if (name.size() > 7 && name.compare(name.size() - 7, 7, "_bucket") == 0) continue;
    if (name.size() > 4 && name.compare(name.size() - 4, 4, "_sum") == 0) continue;
    if (name.size() > 6 && name.compare(name.size() - 6, 6, "_count") == 0) name.resize(name.size() - 6);
    double v = 0;
    try {
      v = std::stod(line.substr(space + 1));
    } catch (const std::exception&) {
      continue;
    }
    out[name] = out.value(name, 0.0) + v;
  }
  return out;
}

Json ReadAgentReport(const std::string& path) {
  std::ifstream in(path);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  auto j = ParseJson(last);
  return j.ok() ? *j : Json::object();
}

std::string RenderSummary(const Json& s) {
  std::ostringstream o;
  auto line = [&](const std::string& step, const std::string& value) {
    o << "  " << step;
    for (size_t i = step.size(); i < 44; ++i) o << ' ';
    o << value << "\n";
  };
  auto rend = [](const Json& j) {
    std::string out;
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (!out.empty()) out += ", ";
      out += it.key() + " " + it->dump();
    }
    return out.empty() ? std::string("none") : out;
  };
  o << "\nTilsyn demo — the value chain, step by step\n";
  line("1 tasks created by the inspector", s["tasks"].dump());
  line("2 capture jobs offered to vehicles", s["jobs"].dump() + " (to " + s["vehicles"].dump() + " vehicles)");
  line("3 captures inside geofences", s["captures"].dump());
  line("  captures outside geofences", s["captures_outside_geofence"].dump() + " (must be 0)");
  line("  observations by state", rend(s["observations"]));
  line("4 recognition runs by service", rend(s["recognition_runs"]));
  line("5 good-enough rate per service/label", "");
  for (auto it = s["service_stats"].begin(); it != s["service_stats"].end(); ++it) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "%.0f%% of %lld calls, p50 %.0f ms",
                  100 * (*it)["good_enough_rate"].get<double>(),
                  static_cast<long long>((*it)["calls"].get<int64_t>()), (*it)["p50_ms"].get<double>());
    line("    " + it.key(), buf);
  }
  line("6 fallbacks to another service", s["fallbacks"].dump());
  line("7 assessments", rend(s["assessments"]));
  line("8 actions by type and status", rend(s["actions"]));
  line("  webhook deliveries received", rend(s["webhook_receiver"]));
  line("9 success rates logged", std::to_string(s["service_stats"].size()) + " service/label pairs");
  if (s.contains("task_outcomes")) {
    int as_expected = 0;
    for (const Json& t : s["task_outcomes"]) as_expected += t["got"] == t["expected"] ? 1 : 0;
    line("  task outcomes as the scenario expects",
         std::to_string(as_expected) + " of " + std::to_string(s["task_outcomes"].size()));
    for (const Json& t : s["task_outcomes"]) {
      if (t["got"] == t["expected"]) continue;
      std::string why = t.value("known_miss", "");
      line("    " + t["title"].get<std::string>(),
           "got " + t["got"].get<std::string>() + ", expected " + t["expected"].get<std::string>() +
               (why.empty() ? "" : " (known: " + why + ")"));
    }
  }
  line("privacy: images deleted after assessment", s["images_deleted"].dump());
  line("privacy: images kept as evidence", s["images_kept"].dump());
  return o.str();
}

}  // namespace tilsyn::demo
