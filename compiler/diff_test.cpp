#include "compiler/diff.h"

#include <doctest/doctest.h>

using namespace galley;

TEST_CASE("equal texts have no diff") {
  CHECK(unifiedDiff("a\nb\n", "a\nb\n", "x", "y") == "");
}

TEST_CASE("a changed line gives one hunk with context") {
  CHECK(unifiedDiff("1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nFIVE\n6\n7\n8\n", "on disk",
                    "compiled") ==
        "--- on disk\n+++ compiled\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+FIVE\n 6\n 7\n 8\n");
}

TEST_CASE("a new file diffs against nothing") {
  CHECK(unifiedDiff("", "a\n", "x", "y") == "--- x\n+++ y\n@@ -0,0 +1,1 @@\n+a\n");
}
