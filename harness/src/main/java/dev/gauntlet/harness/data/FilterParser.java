package dev.gauntlet.harness.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Recursive-descent parser of the {@code where} grammar (README, "Selecting rows"):
 * <pre>
 * expr      = or ;
 * or        = and { "or" and } ;
 * and       = unary { "and" unary } ;
 * unary     = "not" unary | "(" expr ")" | predicate ;
 * predicate = column ( op literal | [ "not" ] "in" "(" literal { "," literal } ")" | "is" [ "not" ] "null" ) ;
 * op        = "=" | "!=" | "&lt;" | "&lt;=" | "&gt;" | "&gt;=" ;
 * column    = name | '"' { any character but '"' } '"' ;
 * name      = ( letter | "_" ) { letter | digit | "_" | "." | "#" } ;   (not a keyword)
 * literal   = number | "'" { any character but "'" | "''" } "'" ;
 * number    = [ "-" | "+" ] digits [ "." digits ] [ ( "e" | "E" ) [ "-" | "+" ] digits ] ;
 * </pre>
 * Keywords ({@code and or not in is null}) are case-insensitive. Every error is a
 * {@link FilterException} with the offset where the parser stood.
 */
final class FilterParser {
  static final Set<String> KEYWORDS = Set.of("and", "or", "not", "in", "is", "null");
  private final String s;
  private int p;

  FilterParser(String text) {
    this.s = text;
  }

  RowFilter parse() {
    skip();
    if (p >= s.length()) {
      throw new FilterException(0, "the expression is empty; expected a condition such as age >= 18");
    }
    RowFilter f = or();
    skip();
    if (p < s.length()) {
      throw new FilterException(p, "expected 'and', 'or' or the end of the expression, found " + found());
    }
    return f;
  }

  private RowFilter or() {
    RowFilter f = and();
    while (keyword("or")) {
      f = new RowFilter.Or(f, and());
    }
    return f;
  }

  private RowFilter and() {
    RowFilter f = unary();
    while (keyword("and")) {
      f = new RowFilter.And(f, unary());
    }
    return f;
  }

  private RowFilter unary() {
    skip();
    if (keyword("not")) {
      return new RowFilter.Not(unary());
    }
    skip();
    if (p < s.length() && s.charAt(p) == '(') {
      p++;
      RowFilter f = or();
      skip();
      if (p >= s.length() || s.charAt(p) != ')') {
        throw new FilterException(p, "expected ')' to close the '(' , found " + found());
      }
      p++;
      return f;
    }
    return predicate();
  }

  private RowFilter predicate() {
    skip();
    int at = p;
    String column = column();
    skip();
    if (keyword("is")) {
      boolean neg = keyword("not");
      if (!keyword("null")) {
        skip();
        throw new FilterException(p, "expected 'null' after 'is" + (neg ? " not" : "") + "', found " + found());
      }
      return new RowFilter.IsNull(column, at, neg);
    }
    int save = p;
    boolean neg = keyword("not");
    if (keyword("in")) {
      skip();
      if (p >= s.length() || s.charAt(p) != '(') {
        throw new FilterException(p, "expected '(' after 'in', found " + found());
      }
      p++;
      List<RowFilter.Literal> values = new ArrayList<>();
      values.add(literal("in"));
      skip();
      while (p < s.length() && s.charAt(p) == ',') {
        p++;
        values.add(literal(","));
        skip();
      }
      if (p >= s.length() || s.charAt(p) != ')') {
        throw new FilterException(p, "expected ',' or ')' in the in-list, found " + found());
      }
      p++;
      return new RowFilter.In(column, at, neg, values);
    }
    if (neg) {
      p = save;
      skip();
      throw new FilterException(p, "expected 'in' after 'not' (write 'not' before a condition: not (" + column + " = ...))");
    }
    RowFilter.Op op = op();
    if (op == null) {
      throw new FilterException(p, "expected an operator (=, !=, <, <=, >, >=, in, not in, is null, is not null) after '" + column + "', found " + found());
    }
    return new RowFilter.Compare(column, at, op, literal(op.symbol));
  }

  private RowFilter.Op op() {
    if (p >= s.length()) {
      return null;
    }
    char c = s.charAt(p);
    char d = p + 1 < s.length() ? s.charAt(p + 1) : 0;
    RowFilter.Op op = switch (c) {
      case '=' -> d == '=' ? null : RowFilter.Op.EQ;
      case '!' -> d == '=' ? RowFilter.Op.NE : null;
      case '<' -> d == '=' ? RowFilter.Op.LE : d == '>' ? null : RowFilter.Op.LT;
      case '>' -> d == '=' ? RowFilter.Op.GE : RowFilter.Op.GT;
      default -> null;
    };
    if (op == null) {
      if ((c == '=' && d == '=') || (c == '<' && d == '>')) {
        throw new FilterException(p, "'" + c + d + "' is not an operator here; write " + (c == '=' ? "'='" : "'!='"));
      }
      return null;
    }
    p += op.symbol.length();
    return op;
  }

  private String column() {
    if (p >= s.length()) {
      throw new FilterException(p, "expected a column name, found the end of the expression");
    }
    char c = s.charAt(p);
    if (c == '"') {
      int end = s.indexOf('"', p + 1);
      if (end < 0) {
        throw new FilterException(p, "unclosed '\"' in a column name");
      }
      if (end == p + 1) {
        throw new FilterException(p, "empty column name");
      }
      String name = s.substring(p + 1, end);
      p = end + 1;
      return name;
    }
    if (!(Character.isLetter(c) || c == '_')) {
      throw new FilterException(p, "expected a column name, found " + found() + (c == '\'' ? " (a quoted string is a value; write the column first: col = 'x')" : ""));
    }
    int start = p;
    while (p < s.length() && (Character.isLetterOrDigit(s.charAt(p)) || "_.#".indexOf(s.charAt(p)) >= 0)) {
      p++;
    }
    String name = s.substring(start, p);
    if (KEYWORDS.contains(name.toLowerCase())) {
      p = start;
      throw new FilterException(start, "expected a column name, found the keyword '" + name + "' (quote a column named so: \"" + name + "\")");
    }
    return name;
  }

  private RowFilter.Literal literal(String after) {
    skip();
    if (p >= s.length()) {
      throw new FilterException(p, "expected a value after '" + after + "', found the end of the expression");
    }
    int start = p;
    char c = s.charAt(p);
    if (c == '\'') {
      StringBuilder b = new StringBuilder();
      p++;
      while (true) {
        if (p >= s.length()) {
          throw new FilterException(start, "unclosed quote: a string starts here but never ends (write '' for a quote inside a string)");
        }
        char q = s.charAt(p++);
        if (q == '\'') {
          if (p < s.length() && s.charAt(p) == '\'') {
            b.append('\'');
            p++;
            continue;
          }
          break;
        }
        b.append(q);
      }
      return new RowFilter.Literal(b.toString(), null, start);
    }
    if (c == '-' || c == '+' || c == '.' || Character.isDigit(c)) {
      int q = p;
      if (c == '-' || c == '+') {
        q++;
      }
      while (q < s.length() && (Character.isLetterOrDigit(s.charAt(q)) || s.charAt(q) == '.'
          || ((s.charAt(q) == '-' || s.charAt(q) == '+') && (s.charAt(q - 1) == 'e' || s.charAt(q - 1) == 'E')))) {
        q++;
      }
      String text = s.substring(p, q);
      String digits = text.startsWith("+") ? text.substring(1) : text;
      if (!StrictNumbers.isDecimal(digits)) {
        throw new FilterException(start, "'" + text + "' is not a number (write a decimal such as 30, -1 or 0.5; quote text and dates: '2013-01-01')");
      }
      p = q;
      return new RowFilter.Literal(digits, Double.parseDouble(digits), start);
    }
    throw new FilterException(p, "expected a value after '" + after + "' (a number, or text in single quotes), found " + found()
        + (c == '"' ? " (double quotes name a column; values take single quotes)" : ""));
  }

  private boolean keyword(String k) {
    skip();
    int end = p + k.length();
    if (end <= s.length() && s.regionMatches(true, p, k, 0, k.length())
        && (end == s.length() || !(Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_'))) {
      p = end;
      return true;
    }
    return false;
  }

  private void skip() {
    while (p < s.length() && Character.isWhitespace(s.charAt(p))) {
      p++;
    }
  }

  private String found() {
    if (p >= s.length()) {
      return "the end of the expression";
    }
    int end = p;
    while (end < s.length() && end - p < 12 && !Character.isWhitespace(s.charAt(end))) {
      end++;
    }
    return "'" + s.substring(p, Math.max(end, p + 1)) + "'";
  }
}
