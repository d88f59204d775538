// Where a position in a bash script stands: plain words, inside quotes, in
// a comment, or inside a here-document; and whether bash evaluates it as
// arithmetic. The compiler uses it to write a reference's environment
// variable with the quoting that keeps it one safe word there, and to
// refuse a reference where quoting cannot make it safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace galley {

class ShellQuoting {
 public:
  enum class State { Plain, Single, Double, Heredoc, QuotedHeredoc, Comment };

  // Consumes one character of the script.
  void feed(char c);
  State state() const { return state_; }

  // The text to put in place of a reference to variable name in the current
  // state: "${NAME}" quoted as needed; words leaves it unquoted for word
  // splitting. Empty in a quoted here-document, where nothing expands.
  std::string expansion(const std::string& name, bool words) const;

  // Marks reference `id` at the current position; the caller then feeds a
  // character that stands for its expansion (a word character).
  void reference(size_t id);
  // The marked references that stand where bash evaluates arithmetic:
  // $(( )), (( )), $[ ], let, an operand of [[ -eq -ne -lt -le -gt -ge ]],
  // an array subscript or a ${var:offset:length}. Bash evaluates array
  // subscripts in a value there (a[$(cmd)]) even when it is quoted, so no
  // quoting makes such a reference safe. Complete once the whole script is
  // fed: the left operand of [[ a -gt b ]] is known at the operator.
  const std::vector<size_t>& arithmeticReferences() const { return arithmetic_; }

 private:
  // What an opening construct began; each frame ends at its closer.
  enum class Ctx {
    Command,    // $( ... )
    Arith,      // $(( ... )) or (( ... )): closes at "))"
    ArithOld,   // $[ ... ]
    Brackets,   // [[ ... ]]
    Subscript,  // name[ ... ] or ${name[ ... ]}
    Param,      // ${ ... }
    ParamArith  // ${name:offset:length} after the ':'
  };
  struct Frame {
    Ctx ctx;
    State outer;    // the quoting state to return to
    int depth = 0;  // nested ( or [ inside arithmetic; Param: characters of the name
    int phase = 0;  // Param: 0 name, 1 operator and word, 2 just after ':'
  };

  void word(char c);
  void plain(char c, char prev);
  void inArith(char c, Frame& f);
  void inParam(char c, Frame& f);
  void push(Ctx ctx);
  void pop();
  bool arithmeticHere() const;
  void endWord();
  void separator();
  void mark(const std::vector<size_t>& ids);

  State state_ = State::Plain;
  std::vector<Frame> frames_;
  bool escaped_ = false;
  bool dollar_ = false;  // the character before was an unquoted, unescaped '$'
  bool opened_ = false;  // the character before opened "$(": a second '(' makes "$(("
  char previous_ = '\n';
  std::string line_;  // the current line so far
  // Words of the current simple command, for [[ ]], let and assignments.
  std::string word_;  // the current word as written
  bool inWord_ = false;
  bool commandStart_ = true;      // the next word starts a command
  bool let_ = false;              // in the arguments of let
  bool closing_ = false;          // one ')' of an arithmetic "))" seen
  bool parenStart_ = false;       // a '(' began a word: "((" opens arithmetic
  std::vector<size_t> wordRefs_;  // references in the current word
  std::vector<size_t> lastRefs_;  // references in the word before, inside [[ ]]
  bool operandNext_ = false;      // the next word in [[ ]] is an arithmetic operand
  std::vector<size_t> arithmetic_;
  struct Pending {
    size_t at;  // just after its "<<" in line_
    std::string delimiter;
    bool quoted;
    bool stripTabs;
  };
  std::vector<Pending> pending_;  // here-documents that start on the next line
  Pending current_{};
  void endOfLine();
};

}  // namespace galley
