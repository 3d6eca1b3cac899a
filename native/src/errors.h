// Error plumbing for the C ABI: internal code throws tc::Error (or lets std::bad_alloc escape), and every
// exported function runs its body through tc::guard, which turns the exception into a status code plus
// the thread-local status and message behind tc_last_status() / tc_last_error(). No C++ exception ever crosses the ABI.
#pragma once
#include <cstdint>
#include <exception>
#include <new>
#include <string>

#include "tensorcash.h"

namespace tc {

class Error : public std::exception {
public:
    Error(int code, std::string message) : code_(code), message_(std::move(message)) {}
    int code() const noexcept { return code_; }
    const char* what() const noexcept override { return message_.c_str(); }

private:
    int code_;
    std::string message_;
};

// printf-style formatting; used to build messages that name the offending argument and its value.
std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

void set_last_error(int status, const char* message);
void clear_last_error();

// Translates whatever the body threw into (status, last error). Returns TC_OK when it returns normally.
template <class F>
int guard(const char* function, F&& body) noexcept {
    try {
        clear_last_error();
        body();
        return TC_OK;
    } catch (const Error& e) {
        set_last_error(e.code(), (std::string(function) + ": " + e.what()).c_str());
        return e.code();
    } catch (const std::bad_alloc&) {
        set_last_error(TC_ERR_OUT_OF_MEMORY, (std::string(function) + ": out of memory").c_str());
        return TC_ERR_OUT_OF_MEMORY;
    } catch (const std::exception& e) {
        set_last_error(TC_ERR_INTERNAL, (std::string(function) + ": internal error: " + e.what()).c_str());
        return TC_ERR_INTERNAL;
    } catch (...) {
        set_last_error(TC_ERR_INTERNAL, (std::string(function) + ": internal error (unknown exception)").c_str());
        return TC_ERR_INTERNAL;
    }
}

}  // namespace tc

#define TC_REQUIRE(cond, code, ...)                                 \
    do {                                                            \
        if (!(cond)) throw ::tc::Error((code), ::tc::format(__VA_ARGS__)); \
    } while (0)
#define TC_REQUIRE_ARG(cond, ...) TC_REQUIRE(cond, TC_ERR_INVALID_ARGUMENT, __VA_ARGS__)
