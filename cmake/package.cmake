# `make package`: a Debian package of the server and the vehicle agent (CPack's DEB generator):
#   /usr/bin/tilsyn, /usr/bin/tilsyn-agent         the binaries (stripped)
#   /usr/share/tilsyn/web, /usr/share/tilsyn/models the web UI (when built), the model pack + cards
#   /etc/tilsyn/server.json, agent.json             default configuration (conffiles)
#   /lib/systemd/system/tilsyn{,-worker,-agent}.service
# postinst adds the `tilsyn` system user, /var/lib/tilsyn and the image key in
# /etc/tilsyn/server.env; the services are not started by the install. Library dependencies are
# found by dpkg-shlibdeps; data packages are named below.
install(TARGETS tilsyn tilsyn-agent RUNTIME DESTINATION bin)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/web/dist/ DESTINATION share/tilsyn/web OPTIONAL)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/models/ DESTINATION share/tilsyn/models)  # with cards
install(FILES ${PROJECT_SOURCE_DIR}/packaging/etc/server.json
              ${PROJECT_SOURCE_DIR}/packaging/etc/agent.json
        DESTINATION /etc/tilsyn PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/systemd/tilsyn.service
              ${PROJECT_SOURCE_DIR}/packaging/systemd/tilsyn-worker.service
              ${PROJECT_SOURCE_DIR}/packaging/systemd/tilsyn-agent.service
        DESTINATION /lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION share/doc/tilsyn)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tilsyn)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Tilsyn developers <tilsyn@example.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "task-triggered street inspection with privacy by design (server and vehicle agent)")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Haar cascades (the fallback anonymizer) and the OCR languages of the sign check.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, opencv-data, tesseract-ocr-dan, tesseract-ocr-eng")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql, postgresql-postgis, gpsd")
set(CPACK_DEBIAN_COMPRESSION_TYPE gzip)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${PROJECT_SOURCE_DIR}/packaging/debian/postinst;${PROJECT_SOURCE_DIR}/packaging/debian/postrm;${PROJECT_SOURCE_DIR}/packaging/debian/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_OUTPUT_FILE_PREFIX ${CMAKE_BINARY_DIR}/packages)
include(CPack)
