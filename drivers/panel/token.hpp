#pragma once
// The secret that lets a page change the bench: 128 bits from the kernel's generator (getrandom),
// as 32 hex digits, made once per `serve` and printed with the panel's address. Compared in
// constant time, so the answer's timing says nothing about how much of a guess was right.
#include <string>
#include <string_view>

namespace spiceloop::panel {

std::string make_token();

// True when given == expected; the time taken depends only on the lengths. An empty expected
// token matches nothing (a panel without a token takes no actions).
bool token_matches(std::string_view given, std::string_view expected) noexcept;

}  // namespace spiceloop::panel
