// SHA-256 (FIPS 180-4), for hashFiles(), cache keys and the model
// registry's content addresses.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace galley {

class Sha256 {
 public:
  Sha256();
  void update(std::string_view data);
  // The 32-byte digest; the object is spent afterwards.
  std::string finish();

 private:
  void block(const unsigned char* p);
  uint32_t h_[8];
  unsigned char buf_[64];
  size_t used_ = 0;
  uint64_t bytes_ = 0;
};

// The raw 32-byte digest of data.
std::string sha256Bytes(std::string_view data);
// The digest as 64 lower-case hex digits.
std::string sha256Hex(std::string_view data);
std::string toHex(std::string_view bytes);

}  // namespace galley
