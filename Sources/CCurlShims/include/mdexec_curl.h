#ifndef MDEXEC_CURL_H
#define MDEXEC_CURL_H
#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call:
   one typed wrapper per argument kind. */
CURLcode mdexec_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode mdexec_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode mdexec_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode mdexec_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode mdexec_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode mdexec_curl_setopt_write_function(CURL *handle, curl_write_callback callback);
CURLcode mdexec_curl_setopt_header_function(CURL *handle, curl_write_callback callback);
CURLcode mdexec_curl_setopt_read_function(CURL *handle, curl_read_callback callback);
CURLcode mdexec_curl_setopt_xferinfo_function(CURL *handle, curl_xferinfo_callback callback);
CURLcode mdexec_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode mdexec_curl_getinfo_socket(CURL *handle, CURLINFO info, curl_socket_t *value);
CURLcode mdexec_curl_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value);

#endif
