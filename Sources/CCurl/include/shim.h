#pragma once
// Typed, non-variadic wrappers of libcurl's variadic calls, so Swift can call them.
// The curl header is found through the compiler's normal search path (Debian keeps it in a
// multiarch folder), never through a hard-coded path.
#include <curl/curl.h>
#include <stddef.h>

#pragma clang assume_nonnull begin

/// Read/write/header callback shape: (buffer, size, nitems, userdata) -> bytes handled.
typedef size_t (*ccurl_data_callback)(char *buffer, size_t size, size_t nitems, void *_Nullable userdata);

/// Initialises libcurl with CURL_GLOBAL_DEFAULT (the macro does not import into Swift).
CURLcode ccurl_global_init_default(void);

// curl_easy_setopt, one function per argument kind.
CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurl_easy_setopt_off(CURL *handle, CURLoption option, curl_off_t value);
CURLcode ccurl_easy_setopt_string(CURL *handle, CURLoption option, const char *_Nullable value);
CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *_Nullable value);
CURLcode ccurl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *_Nullable value);
CURLcode ccurl_easy_setopt_data_callback(CURL *handle, CURLoption option, ccurl_data_callback _Nullable callback);

/// Lets an SMTP send succeed when some recipients fail (spelled ALLLOWFAILS before curl 8.2).
CURLcode ccurl_easy_setopt_rcpt_allowfails(CURL *handle, long on);

/// CURLAUTH_BASIC (a macro with a cast, which does not import).
unsigned long ccurl_auth_basic(void);

// curl_easy_getinfo, one function per result kind.
CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *out);
CURLcode ccurl_easy_getinfo_double(CURL *handle, CURLINFO info, double *out);
CURLcode ccurl_easy_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *out);
CURLcode ccurl_easy_getinfo_string(CURL *handle, CURLINFO info, const char *_Nullable *_Nonnull out);
CURLcode ccurl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void *_Nullable *_Nonnull out);

// curl_multi_setopt.
CURLMcode ccurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

/// The CURLcode of a CURLMSG_DONE message (hides the C union).
CURLcode ccurl_msg_result(const CURLMsg *message);

#pragma clang assume_nonnull end
