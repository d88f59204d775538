// Where a position in a bash script stands: plain words, inside quotes, or
// inside a here-document. The compiler uses it to write a reference's
// environment variable with the quoting that keeps it one safe word there.
#pragma once

#include <string>
#include <vector>

namespace galley {

class ShellQuoting {
 public:
  enum class State { Plain, Single, Double, Heredoc, QuotedHeredoc };

  // Consumes one character of the script.
  void feed(char c);
  State state() const { return state_; }

  // The text to put in place of a reference to variable name in the current
  // state: "${NAME}" quoted as needed; words leaves it unquoted for word
  // splitting. Empty in a quoted here-document, where nothing expands.
  std::string expansion(const std::string& name, bool words) const;

 private:
  State state_ = State::Plain;
  // "$(" opens a fresh context, even inside double quotes; ")" returns.
  std::vector<State> outer_;
  bool escaped_ = false;
  char previous_ = '\n';
  std::string line_;  // the current line so far
  struct Pending {
    std::string delimiter;
    bool quoted;
    bool stripTabs;
  };
  std::vector<Pending> pending_;  // here-documents that start on the next line
  Pending current_{};
  void endOfLine();
  void scanHeredocOperator();
};

}  // namespace galley
