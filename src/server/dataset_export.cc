#include "server/dataset_export.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "core/crypto.h"
#include "core/file_util.h"
#include "core/number_format.h"
#include "core/time_format.h"
#include "imaging/jpeg.h"

namespace tilsyn::server {
namespace fs = std::filesystem;
namespace {

// A stable fifth of the observations: the first hash byte modulo 5.
bool HashedToVal(const std::string& id) {
  return std::stoi(Sha256Hex(id).substr(0, 2), nullptr, 16) % 5 == 0;
}

}  // namespace

Json DatasetExportSummary::ToJson() const {
  return {{"images", images}, {"negatives", negatives}, {"train", train},    {"val", val},
          {"boxes", boxes},   {"classes", classes},     {"skipped", skipped}};
}

Result<DatasetExportSummary> ExportDataset(store::Store& store, store::BlobStore& blobs,
                                           const DatasetExportOptions& o) {
  if (o.out.empty()) return Status::InvalidArgument("name the folder to create", "--out");
  std::error_code ec;
  if (fs::exists(o.out, ec)) {
    return Status::InvalidArgument(o.out + " exists; name a new folder", "--out");
  }
  // Boxes grouped by observation, of the wanted labels.
  std::map<std::string, std::vector<store::Annotation>> by_obs;
  std::set<std::string> classes;
  TILSYN_ASSIGN_OR_RETURN(auto all, store.annotations().ListAnnotations(std::nullopt));
  for (store::Annotation& a : all) {
    if (!o.labels.empty() &&
        std::find(o.labels.begin(), o.labels.end(), a.label) == o.labels.end()) {
      continue;
    }
    classes.insert(a.label);
    by_obs[a.observation_id].push_back(std::move(a));
  }
  if (by_obs.empty()) {
    return Status::FailedPrecondition(o.labels.empty()
                                          ? "no image has labelled boxes yet"
                                          : "no image has boxes with the labels asked for",
                                      "labels");
  }
  DatasetExportSummary sum;
  sum.classes.assign(classes.begin(), classes.end());
  // Negatives: complete for every exported class, without a box of one.
  TILSYN_ASSIGN_OR_RETURN(auto complete, store.annotations().CompleteLabels(std::nullopt));
  for (const auto& entry : complete) {
    if (by_obs.count(entry.first)) continue;
    const std::vector<std::string>& labels = entry.second.labels;
    const bool covers = std::all_of(sum.classes.begin(), sum.classes.end(), [&](const auto& c) {
      return std::binary_search(labels.begin(), labels.end(), c);
    });
    if (covers) by_obs[entry.first];  // no boxes
  }
  std::map<std::string, int> class_index;
  for (size_t i = 0; i < sum.classes.size(); ++i) class_index[sum.classes[i]] = static_cast<int>(i);

  // Which observations can be exported (image still kept), and the split.
  struct Item {
    store::Observation obs;
    std::string jpeg;
    int width = 0, height = 0;
    bool val = false;
  };
  std::vector<Item> items;
  for (const auto& [id, boxes] : by_obs) {
    Result<store::Observation> obs = store.GetObservation(id);
    if (!obs.ok()) {
      sum.skipped.push_back({{"observation_id", id}, {"reason", "the observation is gone"}});
      continue;
    }
    if (obs->blob_key.empty()) {
      sum.skipped.push_back({{"observation_id", id}, {"reason", "the image was deleted"}});
      continue;
    }
    if (store::AwaitsServerAnonymization(*obs)) {  // privacy invariant 2
      sum.skipped.push_back(
          {{"observation_id", id}, {"reason", "the image is waiting for anonymization"}});
      continue;
    }
    TILSYN_ASSIGN_OR_RETURN(std::string jpeg, blobs.Get(obs->blob_key));
    TILSYN_ASSIGN_OR_RETURN(imaging::JpegInfo info, imaging::InspectJpeg(jpeg));
    items.push_back({std::move(*obs), std::move(jpeg), info.width, info.height, HashedToVal(id)});
  }
  if (items.size() >= 2 &&
      std::none_of(items.begin(), items.end(), [](const Item& i) { return i.val; })) {
    items.back().val = true;
  }

  const fs::path out = fs::path(o.out);
  const fs::path tmp = out.parent_path() / ("." + out.filename().string() + ".partial");
  fs::remove_all(tmp, ec);
  std::string names;
  for (const std::string& c : sum.classes) names += c + "\n";
  Json images = Json::array();
  auto write_all = [&]() -> Status {
    for (const char* split : {"train", "val"}) {
      TILSYN_RETURN_IF_ERROR(MakeDirs((tmp / "images" / split).string()));
      TILSYN_RETURN_IF_ERROR(MakeDirs((tmp / "labels" / split).string()));
      TILSYN_RETURN_IF_ERROR(
          WriteFileAtomic((tmp / "labels" / split / "classes.txt").string(), names));
    }
    TILSYN_RETURN_IF_ERROR(WriteFileAtomic((tmp / "classes.txt").string(), names));
    for (const Item& it : items) {
      const std::string split = it.val ? "val" : "train";
      const std::vector<store::Annotation>& boxes = by_obs[it.obs.id];
      std::string txt;
      std::set<std::string> who;
      TimeMs last = 0;
      // A negative's labeller is who said the image holds none of the classes.
      if (auto c = complete.find(it.obs.id); boxes.empty() && c != complete.end()) {
        who.insert(c->second.marked_by);
        last = c->second.marked_ms;
      }
      for (const store::Annotation& a : boxes) {
        const double cx = (a.x + a.w / 2.0) / it.width, cy = (a.y + a.h / 2.0) / it.height;
        txt += std::to_string(class_index[a.label]) + " " + FormatFixed(cx, 6) + " " +
               FormatFixed(cy, 6) + " " + FormatFixed(static_cast<double>(a.w) / it.width, 6) +
               " " + FormatFixed(static_cast<double>(a.h) / it.height, 6) + "\n";
        who.insert(a.labelled_by);
        last = std::max(last, a.labelled_ms);
      }
      const std::string file = "images/" + split + "/" + it.obs.id + ".jpg";
      TILSYN_RETURN_IF_ERROR(WriteFileAtomic((tmp / file).string(), it.jpeg));
      TILSYN_RETURN_IF_ERROR(
          WriteFileAtomic((tmp / "labels" / split / (it.obs.id + ".txt")).string(), txt));
      images.push_back({{"file", file},
                        {"observation_id", it.obs.id},
                        {"task_id", it.obs.task_id},
                        {"captured_at", FormatIso8601(it.obs.captured_ms)},
                        {"sha256", Sha256Hex(it.jpeg)},
                        {"width", it.width},
                        {"height", it.height},
                        {"boxes", boxes.size()},
                        {"negative", boxes.empty()},
                        {"labelled_by", Json(std::vector<std::string>(who.begin(), who.end()))},
                        {"labelled_at", FormatIso8601(last)}});
      ++sum.images;
      if (boxes.empty()) ++sum.negatives;
      ++(it.val ? sum.val : sum.train);
      sum.boxes += static_cast<int>(boxes.size());
    }
    std::string yaml =
        "# Written by tilsyn dataset export; see provenance.json.\npath: .\n"
        "train: images/train\nval: images/val\nnames:\n";
    for (size_t i = 0; i < sum.classes.size(); ++i) {
      yaml += "  " + std::to_string(i) + ": " + sum.classes[i] + "\n";
    }
    TILSYN_RETURN_IF_ERROR(WriteFileAtomic((tmp / "data.yaml").string(), yaml));
    Json prov = {{"exported_at", FormatIso8601(o.now)},
                 {"exported_by", o.exported_by},
                 {"anonymized", true},
                 {"note",
                  "Every image is the one the server kept, already anonymized (faces and plates "
                  "blurred). The set is training data for the city's own detectors: keep it "
                  "within the purpose recorded in the processing record."},
                 {"classes", sum.classes},
                 {"images", images},
                 {"skipped", sum.skipped}};
    return WriteFileAtomic((tmp / "provenance.json").string(), prov.dump(1) + "\n");
  };
  if (Status st = write_all(); !st.ok()) {
    fs::remove_all(tmp, ec);
    return st;
  }
  fs::rename(tmp, out, ec);
  if (ec) {
    fs::remove_all(tmp, ec);
    return Status::Internal("could not move the export into place: " + ec.message());
  }
  return sum;
}

}  // namespace tilsyn::server
