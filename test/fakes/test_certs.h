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

}  // namespace tilsyn::testing
