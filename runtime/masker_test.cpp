#include "runtime/masker.h"

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>

#include <doctest/doctest.h>

using galley::run::Masker;

TEST_CASE("masker: every occurrence of a secret becomes ***") {
  Masker m;
  CHECK(m.empty());
  CHECK(m.mask("nothing registered") == "nothing registered");
  m.addSecret("abc123");
  CHECK_FALSE(m.empty());
  CHECK(m.mask("token abc123 and abc123abc123.") == "token *** and ***.");
  CHECK(m.mask("abc12 is not it") == "abc12 is not it");
  CHECK(m.mask("") == "");
}

TEST_CASE("masker: overlapping and adjacent occurrences merge into one ***") {
  Masker m;
  m.addSecret("abcd");
  m.addSecret("cdef");
  m.addSecret("xyz");
  CHECK(m.mask("..abcdef..") == "..***..");   // overlapping
  CHECK(m.mask("..abcdxyz..") == "..***..");  // adjacent
  CHECK(m.mask("..abcd-xyz..") == "..***-***..");
  CHECK(m.mask("aabcdd") == "a***d");
  m.addSecret("bc");  // inside another: the longer range wins
  CHECK(m.mask("abcd bc") == "*** ***");
}

TEST_CASE("masker: a secret is trimmed and each of its lines masked too") {
  Masker m;
  m.addSecret("  first line\r\n second line \n\n");
  CHECK(m.mask("a first line b") == "a *** b");
  CHECK(m.mask("second line") == "***");
  // The whole value (trimmed), line break included, in multi-line text...
  std::string text = "x first line\r\n second line y\nfirst";
  m.maskInPlace(text);
  CHECK(text == "x *** y\nfirst");
  // ...and its lines when they come with another break between them.
  text = "first line\nsecond line";
  m.maskInPlace(text);
  CHECK(text == "***\n***");
}

TEST_CASE("masker: blank values are ignored") {
  Masker m;
  m.addSecret("");
  m.addSecret(" \t\r\n ");
  m.addValue("   ");
  m.addSecretLines("\n\n");
  CHECK(m.empty());
  CHECK(m.mask("a b  c") == "a b  c");
}

TEST_CASE("masker: addValue registers exactly the value, addSecretLines each line") {
  Masker m;
  m.addValue(" padded ");
  CHECK(m.mask("[ padded ]") == "[***]");
  CHECK(m.mask("[padded]") == "[padded]");
  m.addSecretLines("one\r\ntwo");
  CHECK(m.mask("one two onetwo") == "*** *** ***");
  CHECK(m.mask("one\r\ntwo") == "***\r\n***");
}

TEST_CASE("masker: a one-character secret is masked, as on GitHub") {
  Masker m;
  m.addSecret("x");
  CHECK(m.mask("xax") == "***a***");
  CHECK(m.mask("xx") == "***");
}

TEST_CASE("masker: the encoded forms the runner registers") {
  using V = std::vector<std::string>;
  // base64 of "secret", of "ecret" and of "cret"; the others equal the value.
  CHECK(Masker::encodings("secret") ==
        V{"c2VjcmV0", "ZWNyZXQ=", "Y3JldA==", "secret", "secret", "secret", "secret", "secret"});
  V e = Masker::encodings("a\"b'c\\d\n\x01<&>/é");
  CHECK(e[3] == "a\\\"b'c\\d\n\x01<&>/é");                   // command line
  CHECK(e[4] == "a\"b''c\\d\n\x01<&>/é");                    // expression string
  CHECK(e[5] == "a\\\"b'c\\\\d\\n\\u0001<&>/é");             // JSON string
  CHECK(e[6] == "a%22b%27c%5Cd%0A%01%3C%26%3E%2F%C3%A9");    // URI data
  CHECK(e[7] == "a&quot;b&apos;c\\d\n\x01&lt;&amp;&gt;/é");  // XML
  // Shorter than the shift: encoded whole.
  CHECK(Masker::encodings("a")[1] == "YQ==");
  CHECK(Masker::encodings("a")[2] == "YQ==");
  CHECK(Masker::encodings("\xE2\x80\xA8\xC2\x85")[5] == "\\u2028\\u0085");
}

TEST_CASE("masker: quoted secrets longer than 8 also register without the quotes") {
  auto has = [](const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  };
  CHECK(has(Masker::encodings("\"1234567\""), "1234567"));
  CHECK_FALSE(has(Masker::encodings("\"123456\""), "123456"));
}

TEST_CASE("masker: PowerShell's parts around & and &+ of 6 characters or more") {
  auto has = [](const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  };
  auto e = Masker::encodings("secretpart1&secretpart2&secretpart3");
  CHECK(has(e, "secretpart1&secretpart2&"));
  CHECK(has(e, "secretpart3"));
  e = Masker::encodings("secretpart1&+secretpart2&secretpart3");
  CHECK(has(e, "secretpart1&+"));
  CHECK(has(e, "ecretpart2&secretpart3"));
  e = Masker::encodings("ab&cd");
  CHECK_FALSE(has(e, "ab&"));
  CHECK_FALSE(has(e, "cd"));
}

TEST_CASE("masker: a secret inside a base64 text is caught by a shifted encoding") {
  Masker m;
  m.addSecret("hunter2");
  // base64("user:hunter2"): the secret starts 2 bytes into a 3-byte group.
  CHECK(m.mask("Authorization: Basic dXNlcjpodW50ZXIy") == "Authorization: Basic dXNlcjpo***");
  CHECK(m.mask("aHVudGVyMg==") == "***");
  CHECK(m.mask("{\"p\":\"hunter2\"}") == "{\"p\":\"***\"}");
}

namespace {

// What the runner's SecretMasker computes: all occurrences of all strings,
// sorted, merged when they overlap or touch, each merged range -> "***".
std::string naiveMask(const std::string& text, const std::vector<std::string>& patterns) {
  std::vector<std::pair<size_t, size_t>> found;
  for (const auto& p : patterns)
    for (size_t at = text.find(p); at != std::string::npos; at = text.find(p, at + 1))
      found.emplace_back(at, at + p.size());
  std::sort(found.begin(), found.end());
  std::string out;
  size_t copied = 0;
  for (size_t i = 0; i < found.size();) {
    size_t begin = found[i].first, end = found[i].second;
    for (++i; i < found.size() && found[i].first <= end; ++i)
      end = std::max(end, found[i].second);
    out += text.substr(copied, begin - copied) + "***";
    copied = end;
  }
  return out + text.substr(copied);
}

std::string trimmed(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n\v\f"), e = s.find_last_not_of(" \t\r\n\v\f");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// What addSecret registers: the trimmed whole, its trimmed lines, and the
// encodings of each.
std::vector<std::string> registered(const std::string& secret) {
  std::vector<std::string> values, all;
  std::string whole = trimmed(secret);
  if (whole.empty()) return all;
  values.push_back(whole);
  size_t start = 0;
  while (start <= whole.size()) {
    size_t stop = std::min(whole.find_first_of("\r\n", start), whole.size());
    std::string line = trimmed(whole.substr(start, stop - start));
    if (!line.empty()) values.push_back(line);
    start = stop + 1;
  }
  for (const auto& v : values) {
    all.push_back(v);
    for (const auto& e : Masker::encodings(v))
      all.push_back(e);
  }
  return all;
}

}  // namespace

TEST_CASE("masker: fuzz against the runner's all-occurrences-then-merge algorithm") {
  std::mt19937 rng(20261205);
  auto pick = [&](std::string_view alphabet, size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i)
      s += alphabet[rng() % alphabet.size()];
    return s;
  };
  int checked = 0;
  for (int round = 0; round < 300; ++round) {
    Masker m;
    std::vector<std::string> patterns, secrets;
    int count = 1 + rng() % 6;
    for (int i = 0; i < count; ++i) {
      // Short secrets over a small alphabet overlap often; some span lines.
      std::string s = pick("abcde\"&", 2 + rng() % 6);
      if (rng() % 4 == 0) s += (rng() % 2 ? "\n" : "\r\n") + pick("abcde", 2 + rng() % 4);
      if (rng() % 5 == 0) s = " " + s + " ";
      secrets.push_back(s);
      m.addSecret(s);
      for (auto& p : registered(s))
        patterns.push_back(p);
    }
    std::string text = pick("abcdeYWJj=\"& \n", 300);
    for (int i = 0; i < 4; ++i)  // plant some whole secrets
      text.insert(rng() % text.size(), trimmed(secrets[rng() % secrets.size()]));
    std::string expected = naiveMask(text, patterns);
    std::string whole = text;
    m.maskInPlace(whole);
    CHECK(whole == expected);
    CHECK(m.mask(text) == expected);
    // No registered string survives (none contains '*').
    for (const auto& p : patterns)
      if (p.find('*') == std::string::npos && whole.find(p) != std::string::npos) {
        FAIL_CHECK("survived: " << p);
      }
    ++checked;
  }
  CHECK(checked == 300);
}

TEST_CASE("masker: secrets added while other threads mask are seen from then on") {
  Masker m;
  std::atomic<bool> stop{false};
  std::atomic<long> masked{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t)
    readers.emplace_back([&] {
      while (!stop) {
        std::string out = m.mask("line with s0 and s199 in it");
        if (out.find("in it") == std::string::npos) ++masked;  // must never happen
      }
    });
  for (int i = 0; i < 200; ++i)
    m.addSecret("s" + std::to_string(i) + "-value");
  for (int i = 0; i < 200; ++i)
    m.addSecret("s" + std::to_string(i));
  stop = true;
  for (auto& th : readers)
    th.join();
  CHECK(masked == 0);
  CHECK(m.mask("line with s0 and s199 in it") == "line with *** and *** in it");
  CHECK(m.mask("s150-value") == "***");
}
