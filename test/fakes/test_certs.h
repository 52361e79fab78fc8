// Throwaway TLS material for tests, made with Debian's `openssl` tool in `dir`: ca.pem/ca.key (a
// CA), server.pem/server.key (for 127.0.0.1, signed by it), other.pem (an unrelated CA) and the
// server key's pin (base64 SHA-256 of its public key). False when the tool is missing or fails.
#pragma once

#include <string>

namespace tilsyn::testing {

struct TestCerts {
  std::string ca, server_cert, server_key, other_ca, pin;
};

bool MakeTestCerts(const std::string& dir, TestCerts* out);

// A client certificate with common name `cn`, signed by the test CA of MakeTestCerts in `dir`
// (or, with `by_other_ca`, by the unrelated one): <dir>/<name>.pem and <name>.key.
bool MakeTestClientCert(const std::string& dir, const std::string& name, const std::string& cn,
                        bool by_other_ca = false);

}  // namespace tilsyn::testing
