// Store: the system of record, as one interface per aggregate — TaskStore (tasks and capture jobs),
// VehicleStore (vehicles and tokens), ObservationStore (the observation queue), AssessmentStore
// (runs, assessments, feedback), ActionRunStore (the action outbox), RetentionStore (image
// deadlines), StatsStore, AuditStore (audit trail, refusals, processing record), PermitStore and
// AnnotationStore — which code that needs one aggregate takes on its own. Store is all of them plus
// the one cross-aggregate transaction, WithAudit. Every method is atomic (one transaction) and
// thread-safe; backends (store/sql/) are SQLite (the single-machine default, WAL) and PostgreSQL
// (many API instances and workers on one database). Methods that insert an idempotent record return
// false when it already existed instead of failing. Unknown ids give NotFound. Multi-row changes
// that must not be seen half-done have a single method (RecordAssessment) rather than exposing
// transactions.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/result.h"
#include "store/action_store.h"
#include "store/annotation_store.h"
#include "store/assessment_store.h"
#include "store/audit_store.h"
#include "store/case_store.h"
#include "store/observation_store.h"
#include "store/permit_store.h"
#include "store/retention_store.h"
#include "store/stats_store.h"
#include "store/task_store.h"
#include "store/vehicle_store.h"

namespace tilsyn::store {

class Store : public TaskStore,
              public VehicleStore,
              public ObservationStore,
              public AssessmentStore,
              public ActionRunStore,
              public RetentionStore,
              public StatsStore,
              public AuditStore {
 public:
  ~Store() override = default;

  // Seams reached by accessor.
  virtual PermitStore& permits() = 0;
  virtual AnnotationStore& annotations() = 0;
  virtual CaseStore& cases() = 0;

  // Runs `change` (calls on the same store) and appends `e` in ONE transaction: either both
  // happen or neither. `change` must only call this store.
  virtual Status WithAudit(const AuditEvent& e, const std::function<Status(Store&)>& change) = 0;

  // Readiness (GET /readyz): ok when the database answers and its schema is the one this
  // binary writes; Unavailable otherwise (unreachable, or migrations not applied).
  virtual Status Ready() = 0;

  // Work signals between processes sharing one database (PostgreSQL LISTEN/NOTIFY), so an idle
  // worker starts on an upload another process stored at once instead of at its next poll.
  // On SQLite (one process) there is nobody to tell: AnnounceWork does nothing and
  // ListenForWork gives nullptr.
  class WorkListener {
   public:
    virtual ~WorkListener() = default;
    // Waits up to `timeout_ms`; true when work was announced meanwhile (or before, unread).
    virtual bool Wait(int timeout_ms) = 0;
  };
  virtual void AnnounceWork() {}
  virtual std::unique_ptr<WorkListener> ListenForWork() { return nullptr; }
};

// Opens (creating if needed) the SQLite database at `path` and runs pending migrations.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

// Opens the PostgreSQL database at `url` (postgresql://user@host:port/db?…, libpq's syntax) with
// a pool of up to `connections` connections, and runs pending migrations.
Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url, int connections = 8);

// True for a postgresql:// or postgres:// URL.
bool IsPostgresUrl(const std::string& location);

// `location` is a PostgreSQL URL or a SQLite file path.
Result<std::unique_ptr<Store>> OpenStore(const std::string& location);

}  // namespace tilsyn::store
