(ns mmap.regex-gen
  "test.check generators of java.util.regex patterns, from a grammar of the constructs the
  analysers must not misread, and of texts that put them to the test."
  (:require [clojure.test.check.generators :as gen]))

(set! *warn-on-reflection* true)

(def atoms
  "Pattern pieces: literals, escapes of every kind, classes (escaped range starts,
  intersections, negation), anchors, lookaround, quoting, inline flags and comments."
  ["a" "b" "c" "x" "é" "€" "😀" "\\n" "\\." "\\t" "\\x0a" "\\x{1F600}" "\\u000a" "\\u00e9" "\\cJ" "\\012" "\\e"
   "[abc]" "[^a]" "[\\t-~]" "[\\x09-~]" "[\\cI-~]" "[a-z&&[^b]]" "[\\w&&[^\\d]]" "[a[bc]]" "[é€]" "[\\n\\r]" "[]a]"
   "\\w" "\\W" "\\d" "\\D" "\\s" "\\S" "\\h" "\\v" "." "\\p{L}" "\\p{Lu}" "\\P{L}" "\\p{IsLatin}" "[A-Z]" "\\R"
   "\\b" "\\B" "^" "$" "\\A" "\\z" "\\Z" "\\G"
   "\\Qa.b\\E" "\\Q*\\E" "(?i)ab" "(?i:x)" "(?-i:A)" "(?x) a b # comment\n" "(?u)(?i)é"
   "ERROR" "WARN" "ab" "<" ">" "\"" ","])

(def flags ["(?s)" "(?m)" "(?x) " "(?U)" "(?d)" "(?i)" "(?iu)" "(?-s)" "(?sm)"])

(def quantifiers ["*" "+" "?" "{1,3}" "{2}" "{0,}" "*?" "+?" "??" "*+" "{1,2}?"])

(def gen-pattern
  "A pattern source (a String); not every one compiles."
  (gen/recursive-gen
   (fn [inner]
     (gen/one-of
      [(gen/fmap (fn [[a b]] (str a b)) (gen/tuple inner inner))
       (gen/fmap (fn [[a b]] (str "(" a "|" b ")")) (gen/tuple inner inner))
       (gen/fmap (fn [[a q]] (str "(?:" a ")" q)) (gen/tuple inner (gen/elements quantifiers)))
       (gen/fmap (fn [[a q]] (str "(" a ")" q)) (gen/tuple inner (gen/elements quantifiers)))
       (gen/fmap (fn [[f a]] (str f a)) (gen/tuple (gen/elements flags) inner))
       (gen/fmap (fn [[look a b]] (str "(" look a ")" b)) (gen/tuple (gen/elements ["?=" "?!" "?<=" "?<!"]) inner inner))
       (gen/fmap (fn [[a b]] (str "(?<name>" a ")" b "\\k<name>")) (gen/tuple inner inner))
       (gen/fmap (fn [[a c]] (str a c)) (gen/tuple inner (gen/elements ["a" "\\w+" "[^<]*" ".*?" "\\d{1,3}"])))]))
   (gen/elements atoms)))

(def pieces
  (mapv #(.getBytes ^String % "UTF-8")
        ["a" "b" "c" "x" "y" "\n" "\r" "\r\n" " " "é" "€" "😀" "ab" "ERROR" "WARN" "A" "Z" "\u0085" "\u2028"
         "1" "9" "." "\t" "<" ">" "\"" "," "a.b" "\u0000"]))

(def gen-text
  "Bytes: text pieces, some malformed UTF-8 bytes among them."
  (gen/fmap (fn [parts] (byte-array (mapcat seq parts)))
            (gen/vector (gen/frequency [[12 (gen/elements pieces)]
                                        [1 (gen/fmap #(byte-array [(unchecked-byte %)]) (gen/choose 128 255))]])
                        0 400)))

(defn compiles [src]
  (try (java.util.regex.Pattern/compile src) (catch java.util.regex.PatternSyntaxException _ nil)))
