#include "fakes/test_certs.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace tilsyn::testing {

bool MakeTestCerts(const std::string& dir, TestCerts* out) {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) return false;
  const std::string cmd =
      "cd '" + dir +
      "' && "
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 "
      "-subj '/CN=Tilsyn test CA' >/dev/null 2>&1 && "
      "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr "
      "-subj '/CN=127.0.0.1' >/dev/null 2>&1 && "
      "printf 'subjectAltName=IP:127.0.0.1\\n' > ext.cnf && "
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
      "-out server.pem -days 2 -extfile ext.cnf >/dev/null 2>&1 && "
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem -days 2 "
      "-subj '/CN=Another CA' >/dev/null 2>&1 && "
      "openssl x509 -in server.pem -pubkey -noout | openssl pkey -pubin -outform der | "
      "openssl dgst -sha256 -binary | openssl enc -base64 > pin.txt";
  if (std::system(cmd.c_str()) != 0) return false;
  std::ifstream pin(dir + "/pin.txt");
  std::getline(pin, out->pin);
  out->ca = dir + "/ca.pem";
  out->server_cert = dir + "/server.pem";
  out->server_key = dir + "/server.key";
  out->other_ca = dir + "/other.pem";
  return !out->pin.empty();
}

bool MakeTestClientCert(const std::string& dir, const std::string& name, const std::string& cn,
                        bool by_other_ca) {
  const std::string ca = by_other_ca ? "other" : "ca";
  const std::string cmd = "cd '" + dir +
                          "' && "
                          "openssl req -newkey rsa:2048 -nodes -keyout '" +
                          name + ".key' -out '" + name +
                          ".csr' "
                          "-subj '/CN=" +
                          cn +
                          "' >/dev/null 2>&1 && "
                          "printf 'extendedKeyUsage=clientAuth\\n' > client-ext.cnf && "
                          "openssl x509 -req -in '" +
                          name + ".csr' -CA " + ca + ".pem -CAkey " + ca +
                          ".key "
                          "-CAcreateserial -out '" +
                          name + ".pem' -days 2 -extfile client-ext.cnf >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

}  // namespace tilsyn::testing
