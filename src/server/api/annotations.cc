// /api/v1/observations/{id}/annotations: the boxes an inspector draws with a label on a kept
// (anonymized) image to teach the detectors a new object (docs/teach.md). PUT replaces the
// observation's whole set, checked against the stored image's size, with `complete_for`: the
// labels every object of which is boxed here (by default the boxes' own labels; an image complete
// for a label without a box of it is a negative). Audited; nothing is written when any part is
// bad. `tilsyn dataset export` turns them into a training set.
#include <algorithm>
#include <regex>

#include "core/time_format.h"
#include "imaging/jpeg.h"
#include "server/api/api.h"
#include "server/api/api_util.h"
#include "server/api/audit_util.h"

namespace tilsyn::server {
namespace {

constexpr size_t kMaxBoxes = 500;

struct Image {
  store::Observation obs;
  int width = 0, height = 0;
};

// The observation and its stored image's size; NotFound (field "id") when either is gone.
Result<Image> LoadImage(const ApiContext& ctx, const ApiRequest& req, const std::string& id) {
  TILSYN_ASSIGN_OR_RETURN(KeptImage kept, LoadKeptImage(ctx, req, id));
  TILSYN_ASSIGN_OR_RETURN(imaging::JpegInfo info, imaging::InspectJpeg(kept.jpeg));
  return Image{std::move(kept.obs), info.width, info.height};
}

Json ToJson(const Image& img, const std::vector<store::Annotation>& boxes,
            const std::vector<std::string>& complete_for) {
  Json out = Json::array();
  for (const store::Annotation& a : boxes) {
    out.push_back({{"label", a.label},
                   {"x", a.x},
                   {"y", a.y},
                   {"w", a.w},
                   {"h", a.h},
                   {"labelled_by", a.labelled_by},
                   {"labelled_at", FormatIso8601(a.labelled_ms)}});
  }
  return {{"observation_id", img.obs.id},
          {"task_id", img.obs.task_id},
          {"width", img.width},
          {"height", img.height},
          {"boxes", out},
          {"complete_for", complete_for}};
}

const std::regex& LabelPattern() {
  static const std::regex kLabel("[a-z][a-z0-9_]{0,39}");
  return kLabel;
}
constexpr const char* kLabelRule =
    "a label is 1–40 lower-case letters, digits or _ starting with a letter";

// `complete_for` as sent, or the boxes' own labels when absent.
Result<std::vector<std::string>> ParseCompleteFor(const Json& body,
                                                  const std::vector<store::Annotation>& boxes) {
  std::vector<std::string> out;
  if (!body.contains("complete_for")) {
    for (const store::Annotation& a : boxes) out.push_back(a.label);
  } else {
    const Json& arr = body["complete_for"];
    if (!arr.is_array())
      return Status::InvalidArgument("must be an array of labels", "complete_for");
    if (arr.size() > 50) return Status::InvalidArgument("at most 50 labels", "complete_for");
    for (size_t i = 0; i < arr.size(); ++i) {
      const std::string p = "complete_for[" + std::to_string(i) + "]";
      if (!arr[i].is_string() || !std::regex_match(arr[i].get<std::string>(), LabelPattern())) {
        return Status::InvalidArgument(kLabelRule, p);
      }
      out.push_back(arr[i].get<std::string>());
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<std::vector<store::Annotation>> ParseBoxes(const Json& body, const Image& img,
                                                  const std::string& by, TimeMs now) {
  if (!body.contains("boxes") || !body["boxes"].is_array()) {
    return Status::InvalidArgument("must be an array of {label, x, y, w, h}", "boxes");
  }
  const Json& arr = body["boxes"];
  if (arr.size() > kMaxBoxes) {
    return Status::InvalidArgument("at most " + std::to_string(kMaxBoxes) + " boxes", "boxes");
  }
  std::vector<store::Annotation> out;
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string p = "boxes[" + std::to_string(i) + "]";
    if (!arr[i].is_object()) return Status::InvalidArgument("must be an object", p);
    store::Annotation a;
    a.observation_id = img.obs.id;
    TILSYN_ASSIGN_OR_RETURN(a.label, GetString(arr[i], "label", p + ".label"));
    if (!std::regex_match(a.label, LabelPattern())) {
      return Status::InvalidArgument(kLabelRule, p + ".label");
    }
    int* slots[] = {&a.x, &a.y, &a.w, &a.h};
    const char* names[] = {"x", "y", "w", "h"};
    for (int k = 0; k < 4; ++k) {
      TILSYN_ASSIGN_OR_RETURN(int64_t v, GetInt(arr[i], names[k], p + "." + names[k]));
      if (v < 0 || v > 100000)
        return Status::InvalidArgument("must be 0..100000", p + "." + names[k]);
      *slots[k] = static_cast<int>(v);
    }
    if (a.w < 2 || a.h < 2)
      return Status::InvalidArgument("a box is at least 2 x 2 pixels", p + ".w");
    if (a.x + a.w > img.width || a.y + a.h > img.height) {
      return Status::InvalidArgument("the box leaves the " + std::to_string(img.width) + " x " +
                                         std::to_string(img.height) + " image",
                                     p);
    }
    a.labelled_by = by;
    a.labelled_ms = now;
    out.push_back(std::move(a));
  }
  return out;
}

Result<net::HttpResponse> GetAnnotations(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(Image img, LoadImage(ctx, req, req.Param("id")));
  TILSYN_ASSIGN_OR_RETURN(auto boxes, ctx.store->annotations().AnnotationsFor(img.obs.id));
  TILSYN_ASSIGN_OR_RETURN(auto complete, ctx.store->annotations().CompleteLabels(img.obs.id));
  return Ok(ToJson(img, boxes, complete[img.obs.id].labels));
}

Result<net::HttpResponse> PutAnnotations(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(Json body, ParseObjectBody(req.http));
  TILSYN_ASSIGN_OR_RETURN(Image img, LoadImage(ctx, req, req.Param("id")));
  const std::string by = req.principal ? req.principal->subject : "";
  const TimeMs now = ctx.clock->NowMs();
  TILSYN_ASSIGN_OR_RETURN(auto boxes, ParseBoxes(body, img, by, now));
  TILSYN_ASSIGN_OR_RETURN(std::vector<std::string> complete, ParseCompleteFor(body, boxes));
  Json labels = Json::object();
  for (const store::Annotation& a : boxes) {
    labels[a.label] = labels.value(a.label, 0) + 1;
  }
  TILSYN_RETURN_IF_ERROR(ctx.store->WithAudit(
      RequestAudit(ctx, req, "annotation.save", "observation", img.obs.id, "",
                   {{"task_id", img.obs.task_id},
                    {"boxes", boxes.size()},
                    {"labels", labels},
                    {"complete_for", complete}}),
      [&](store::Store& s) {
        TILSYN_RETURN_IF_ERROR(s.annotations().ReplaceAnnotations(img.obs.id, boxes));
        return s.annotations().SetCompleteLabels(img.obs.id, complete, by, now);
      }));
  return Ok(ToJson(img, boxes, complete));
}

}  // namespace

void RegisterAnnotationRoutes(Router& router, const ApiContext& ctx) {
  router.Add({"GET",
              "/api/v1/observations/{id}/annotations",
              kAdminInspector,
              "The labelled boxes drawn on an observation's kept image, with the image's size",
              "annotations",
              {},
              "",
              "",
              "Annotations",
              200},
             [ctx](const ApiRequest& r) { return GetAnnotations(ctx, r); });
  router.Add({"PUT",
              "/api/v1/observations/{id}/annotations",
              kAdminInspector,
              "Replace the labelled boxes on a kept image (training data for a new object; "
              "audited)",
              "annotations",
              {},
              "AnnotationsPut",
              "application/json",
              "Annotations",
              200},
             [ctx](const ApiRequest& r) { return PutAnnotations(ctx, r); });
}

}  // namespace tilsyn::server
