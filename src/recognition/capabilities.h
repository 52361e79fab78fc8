// Capabilities: the labels the configured recognition services can recognise, and the check
// that a task only targets such labels (a task whose label no service serves would stay
// "inconclusive" forever). Built once at start-up from the services' declared ServiceInfo;
// read-only afterwards, so thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"
#include "recognition/recognizer.h"
#include "tasks/task.h"

namespace tilsyn::recognition {

struct Capability {
  std::string label;
  std::vector<ServiceInfo> services;  // the services that declare it, in configured order
};

// One entry per label any service declares, sorted by label.
std::vector<Capability> CapabilitiesOf(const std::vector<ServiceInfo>& services);

// {"labels": [{"label", "services": [{"name", "type", "terms", "timeout_ms", "quality"?}],
// "data_classes"}]}; "quality" is the service's measured quality of that label where known.
// where data_classes are the task data classes (local, internal, external) that may use it.
Json CapabilitiesToJson(const std::vector<Capability>& caps);

// Ok when every target of `task` is declared by a service whose data terms its data class
// allows. Otherwise InvalidArgument naming "targets[i].label" and the label, with the labels
// that are served for that data class.
Status CheckTaskServed(const std::vector<Capability>& caps, const tasks::Task& task);

}  // namespace tilsyn::recognition
