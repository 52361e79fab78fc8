#include "actions/email_message.h"

#include <cstdio>
#include <ctime>

#include "core/crypto.h"
#include "core/number_format.h"
#include "core/time_format.h"

namespace tilsyn::actions {
namespace {

struct Words {
  const char* subject_prefix;
  const char* outcome_finding;
  const char* outcome_ok;
  const char* outcome_inconclusive;
  const char* intro;
  const char* task;
  const char* outcome;
  const char* reason;
  const char* captured;
  const char* place;
  const char* map;
  const char* open;
  const char* no_image;
  const char* footer;
  const char* to_contractor;
  const char* deadline;
  // A site nobody visits (payload "event": "unvisited").
  const char* outcome_unvisited;
  const char* intro_unvisited;
  const char* due_since;
  const char* last_observation;
  const char* never;
  const char* open_task;
  const char* footer_unvisited;
};

const Words kEnglish = {
    "Tilsyn",
    "Finding",
    "OK",
    "Inconclusive",
    "Tilsyn has assessed an image taken for one of your inspection tasks.",
    "Task",
    "Outcome",
    "Reason",
    "Captured",
    "Place",
    "Map",
    "Open the finding in Tilsyn",
    "The image is not attached: open it in Tilsyn (every opening is recorded).",
    "This message is sent once per assessment; a repeat carries the same Message-ID.",
    "To",
    "Please put this right by",
    "Not visited",
    "No vehicle has photographed the site of one of your inspection tasks as often as wanted.",
    "Visit due since",
    "Last observation",
    "none yet",
    "Open the task in Tilsyn",
    "This message is sent once per overdue period; a repeat carries the same Message-ID."};
const Words kDanish = {"Tilsyn",
                       "Fund",
                       "OK",
                       "Uafklaret",
                       "Tilsyn har vurderet et billede taget til en af dine tilsynsopgaver.",
                       "Opgave",
                       "Resultat",
                       "Begrundelse",
                       "Optaget",
                       "Sted",
                       "Kort",
                       "Åbn fundet i Tilsyn",
                       "Billedet er ikke vedhæftet: åbn det i Tilsyn (hver visning registreres).",
                       "Beskeden sendes én gang pr. vurdering; en gentagelse har samme Message-ID.",
                       "Til",
                       "Forholdet bedes bragt i orden senest",
                       "Ikke besøgt",
                       "Intet køretøj har fotograferet stedet for en af dine tilsynsopgaver så "
                       "ofte som ønsket.",
                       "Besøg forfaldent siden",
                       "Seneste observation",
                       "ingen endnu",
                       "Åbn opgaven i Tilsyn",
                       "Beskeden sendes én gang pr. forfalden periode; en gentagelse har samme "
                       "Message-ID."};

// RFC 2047 encoded-word for a header with non-ASCII text.
std::string EncodeHeader(const std::string& s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return "=?UTF-8?B?" + Base64Encode(s) + "?=";
  }
  return s;
}

// RFC 5322 date in UTC, e.g. "Sun, 06 Dec 2026 13:10:00 +0000".
std::string MailDate(TimeMs now) {
  const std::time_t t = static_cast<std::time_t>(now / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

// A time stamp with the task's local clock beside it: "2026-12-06T13:10:00Z (14:10 Europe/…)".
std::string WithLocalTime(const std::string& iso, const std::string& tz) {
  std::string out = iso;
  if (Result<TimeMs> t = ParseIso8601(iso); t.ok()) {
    if (Result<LocalTime> local = ToLocal(*t, tz); local.ok()) {
      char hm[16];
      std::snprintf(hm, sizeof hm, "%02d:%02d", local->minute_of_day / 60,
                    local->minute_of_day % 60);
      out += std::string(" (") + hm + " " + tz + ")";
    }
  }
  return out;
}

std::string WebBase(const std::string& web_url) {
  std::string base = web_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

}  // namespace

EmailMessage FormatEmail(const Json& p, const std::string& key, const std::string& from,
                         const std::string& to, const std::string& web_url, TimeMs now) {
  const Words& w = p.value("language", "da") == "en" ? kEnglish : kDanish;
  const std::string outcome = p.value("outcome", "");
  const bool unvisited = p.value("event", "") == "unvisited";
  const char* outcome_word = unvisited              ? w.outcome_unvisited
                             : outcome == "finding" ? w.outcome_finding
                             : outcome == "ok"      ? w.outcome_ok
                                                    : w.outcome_inconclusive;
  const std::string title = p.value("task_title", "");
  EmailMessage m;
  m.subject = std::string("[") + w.subject_prefix + "] " + outcome_word + ": " + title;

  const std::string tz = p.value("time_zone", "Europe/Copenhagen");
  const double lat = p.value("lat", 0.0), lon = p.value("lon", 0.0);
  const std::string map = "https://www.openstreetmap.org/?mlat=" + FormatFixed(lat, 6) +
                          "&mlon=" + FormatFixed(lon, 6) + "#map=19/" + FormatFixed(lat, 6) + "/" +
                          FormatFixed(lon, 6);
  std::string body;
  auto line = [&](const std::string& s) { body += s + "\r\n"; };
  if (p.contains("contractor"))
    line(std::string(w.to_contractor) + ": " + p.value("contractor", ""));
  line(unvisited ? w.intro_unvisited : w.intro);
  line("");
  line(std::string(w.task) + ": " + title);
  line(std::string(w.outcome) + ": " + outcome_word);
  line(std::string(w.reason) + ": " + p.value("reason", ""));
  if (unvisited) {
    line(std::string(w.due_since) + ": " + WithLocalTime(p.value("due_since", ""), tz));
    const Json& last = p.contains("last_observation_at") ? p["last_observation_at"] : Json();
    line(std::string(w.last_observation) + ": " +
         (last.is_string() ? WithLocalTime(last.get<std::string>(), tz) : w.never));
  } else {
    line(std::string(w.captured) + ": " + WithLocalTime(p.value("captured_at", ""), tz));
  }
  line(std::string(w.place) + ": " + FormatFixed(lat, 6) + ", " + FormatFixed(lon, 6));
  line(std::string(w.map) + ": " + map);
  if (p.contains("deadline")) line(std::string(w.deadline) + ": " + p.value("deadline", ""));
  if (!web_url.empty()) {
    if (unvisited) {
      line(std::string(w.open_task) + ": " + WebBase(web_url) + "/#/tasks/" +
           p.value("task_id", ""));
    } else {
      line(std::string(w.open) + ": " + WebBase(web_url) + "/#/findings/" +
           p.value("assessment_id", ""));
    }
  }
  line("");
  if (!unvisited) line(w.no_image);
  line(unvisited ? w.footer_unvisited : w.footer);
  m.body = body;

  std::string domain = from.substr(from.find('@') == std::string::npos ? 0 : from.find('@') + 1);
  if (domain.empty()) domain = "tilsyn.invalid";
  m.rfc5322 = "From: " + from + "\r\n" + "To: " + to + "\r\n" +
              "Subject: " + EncodeHeader(m.subject) + "\r\n" + "Date: " + MailDate(now) + "\r\n" +
              "Message-ID: <" + key + "@" + domain + ">\r\n" + "MIME-Version: 1.0\r\n" +
              "Content-Type: text/plain; charset=UTF-8\r\n" +
              "Content-Transfer-Encoding: 8bit\r\n" + "Auto-Submitted: auto-generated\r\n" +
              "\r\n" + m.body;
  return m;
}

}  // namespace tilsyn::actions
