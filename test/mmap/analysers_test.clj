(ns mmap.analysers-test
  "Yes/no tables for each pattern analyser: line confinement, required literals, first-byte
  sets, the delimited shapes and the previous-match test. (The random-pattern generator in
  mmap.regex-gen checks them all end to end against re-seq over slurp, in mmap.fuzz-test.)"
  (:require [clojure.string :as str]
            [clojure.test :refer [deftest is testing]])
  (:import (java.util.regex Pattern)))

(set! *warn-on-reflection* true)

(def ^:private ^Class facts-class (Class/forName "mmap.internal.PatternFacts"))

(defn- facts
  "The analysers' findings for `re` over UTF-8 text, read from the package-private PatternFacts."
  [^String re]
  (let [of (doto (.getDeclaredMethod facts-class "of" ^"[Ljava.lang.Class;" (into-array Class [Pattern Boolean/TYPE]))
             (.setAccessible true))]
    (.invoke ^java.lang.reflect.Method of nil (object-array [(Pattern/compile re) true]))))

(defn- field [o ^String name]
  (let [f (doto (.getDeclaredField (class o) name) (.setAccessible true))]
    (.get f o)))

(defn- call [o ^String name]
  (let [m (doto (.getDeclaredMethod (class o) name (make-array Class 0)) (.setAccessible true))]
    (.invoke m o (object-array 0))))

(defn- byte-set->str
  "A ByteSet as text: its one member, or [members] when it has several."
  [s]
  (let [members (field s "bits")
        bs (filter #(bit-test (aget ^longs members (quot % 64)) (mod % 64)) (range 256))]
    (if (= 1 (count bs)) (str (char (first bs))) (str "[" (apply str (map char bs)) "]"))))

(defn- literals
  "The plan's literals as strings (sets of bytes in brackets), or nil when there is no plan."
  [re]
  (when-let [plan (field (facts re) "plan")]
    (set (for [lit (call plan "literals")]
           (apply str (map byte-set->str lit))))))

(defn- plan-mode [re]
  (some-> (field (facts re) "plan") (call "mode") str))

(deftest line-confinement
  (testing "cannot match or look across a line end"
    (doseq [re ["\\w+Exception\\b" "(?m)^[ \\t]*//.*$" "ERROR|WARN|FATAL" "a.b" "[^\\n]+" "\\bint\\b" "[a-z]+[0-9]{3,}"
                "[ -~]+" "\\d{1,3}(\\.\\d{1,3}){3}" "\\p{L}+"]]
      (is (true? (field (facts re) "lineConfined")) re)))
  (testing "can: the class or construct holds a line end"
    (doseq [re ["[\\t-~]+" "[\\x09-~]+" "[\\cI-~]+" "(?s)a.b" "\\s+" "[^\"]*" "\\R" "a\\nb" "\\v" "\\W" "[^a]"
                "\\x0a" "\\u000a" "\\cJ" "\\012" "[\\n\\r]" "\\Qa\nb\\E" "(?x) a \\n b" "\\P{L}" "\\D" "\\S*\\s"
                ;; \s* may eat blank lines before the comment
                "(?m)^\\s*//.*$"]]
      (is (false? (field (facts re) "lineConfined")) re))))

(def ^:private word-class
  "\\w as byte-set->str prints it: a wide literal position."
  (str "[" (apply str (map char (concat (range 48 58) (range 65 91) [95] (range 97 123)))) "]"))

(deftest required-literals
  (testing "every match holds one of these"
    (doseq [[re expected] [["\\w+Exception\\b" #{"Exception"}]
                           ["ERROR|WARN|FATAL" #{"ERROR" "WARN" "FATAL"}]
                           ["(?m)^[ \\t]*//.*$" #{"//"}]
                           ;; a wide class ([a-z], \w: more than 16 ASCII members) is a literal position
                           ;; that is checked, not searched for: never one alone
                           ["public static final (\\w+) (\\w+)" #{(str "public static final " word-class)}]
                           ["-{2}[a-z][-a-z]+" #{(str "--[" (apply str (map char (range 97 123))) "][-" (apply str (map char (range 97 123))) "]")}]
                           ["0x[0-9a-fA-F]+" #{"0x[0123456789ABCDEFabcdef]"}]
                           ["(?i)timeout" #{"[Tt][Ii][Mm][Ee][Oo][Uu][Tt]"}]
                           ;; \s is [ \t\n\x0B\f\r]: the literal goes on into the class
                           ["@param\\s+(\\w+)" #{"@param[\t\n\u000b\f\r ]"}]]]
      (is (= expected (literals re)) re)))
  (testing "no literal rather than a wrong one"
    (doseq [re ["\\d+" "[A-Z][a-z]+[A-Z][a-z]+" "a*" "x?y?" "\\w+" "." "(?=abc)" "[a-z]+[0-9]{3,}"]]
      (is (every? #(not (str/blank? %)) (or (literals re) #{"none"})) re)
      (is (not (contains? (or (literals re) #{}) "abc")) re)))
  (testing "wide positions alone are no literal"
    (doseq [re ["[a-z]{3}" "\\w+[A-Z]\\w*" "[a-z]+(?:[A-Z][a-z]+)+" "(?:[a-z]|[A-Z])x?"]]
      (is (nil? (literals re)) re)))
  (testing "a class listing more than 16 characters past ASCII is no wide position: its lead bytes are few"
    (doseq [re ["[α-ω]" "[α-ω]{2}" "[äöüßéèêàáâëïîôûùçÄÖÜÉÈ]"]]
      (is (some? (literals re)) re)))
  (testing "a literal inside an optional part is not required"
    (doseq [re ["(?:ERROR)?x+" "a|\\d" "(abc)*z"]]
      (let [lits (literals re)]
        (is (not (contains? (or lits #{}) "ERROR")) re)
        (is (not (contains? (or lits #{}) "abc")) re))))
  (testing "of the literals every match holds, the one whose two rarest bytes stand together least often"
    ;; by the rarest byte alone, " e)" (its ")" one rank rarer than "(") and "(" won
    (doseq [[re expected] [["catch \\((\\w+) e\\)" #{(str "catch (" word-class)}]
                           ["\\bfor\\s*\\(" #{"for"}]
                           ["(?i)timeout" #{"[Tt][Ii][Mm][Ee][Oo][Uu][Tt]"}]]]
      (is (= expected (literals re)) re)))
  (testing "how a candidate leads to a match"
    (is (= "PREFIX" (plan-mode "ERROR|WARN|FATAL")))
    (is (#{"BOUNDED" "LINE"} (plan-mode "\\w+Exception\\b")) "the match starts before the literal")
    (is (= "PREFIX" (plan-mode "\\bif\\s*\\(.*\\)\\s*\\{"))
        "a prefix literal, not the rarer { whose prefix may hold any byte (every i since the last { would be tried)")
    (is (= ["BOUNDED" #{") {"}] [(plan-mode "if \\(.*\\) \\{") (literals "if \\(.*\\) \\{")])
        "the rarer literal where the prefix stays on the line")))

(defn- first-bytes [re]
  (some->> (field (facts re) "firstBytes") byte-set->str))

(deftest first-byte-sets
  (doseq [[re expected] [["\\d+" "[0123456789]"]
                         ["[A-Z][a-z]+" "[ABCDEFGHIJKLMNOPQRSTUVWXYZ]"]
                         ["a|b" "[ab]"]
                         ["x" "x"]]]
    (is (= expected (first-bytes re)) re))
  (testing "none when a match may be empty or start anywhere"
    (doseq [re ["x*" "a?" "(?s)." "(?=a)|b"]]
      (is (nil? (first-bytes re)) re)))
  (testing "classes and dot leave out what they cannot match"
    (is (not (str/includes? (first-bytes ".") "\n")))
    (is (not (str/includes? (first-bytes "[^a]") "a")))
    (is (not (re-find #"[0-9A-Za-z_]" (first-bytes "\\W"))))))

(deftest delimited-shapes
  (testing "open, a run without the close, close"
    (doseq [re ["\"[^\"]*\"" "<[^>]*>" "<(.*?)>" "<[^>]+>" "(?s)/\\*.*?\\*/" "/\\*.*?\\*/" "<!--(.*?)-->"
                "\\[[^\\]]*\\]" "\\{[^}]+\\}" "'[^'\\n]*'" "(?s)<(.*?)>x" "<.+?>" "x\\w*-" "x\\S+ "
                "\\[[a-z_]+\\]" "(?i)<[^>x]*>" "(?d)<.*?>" "a.*\n" "<[^>]{2,}>" "\"[^\"]{20,}\"" "<.{3,}?>"
                "\"(?:[^\"\\\\]|\\\\.)*\"" "\"(?:\\\\.|[^\"\\\\])*\"" "\"[^\"\\\\]*(?:\\\\.[^\"\\\\]*)*\""
                "'((?:[^'\\\\\\n]|\\\\.)*)'" "(?s)\"(?:[^\"\\\\]|\\\\.)*\""]]
      (is (some? (field (facts re) "delimited")) re)))
  (testing "other patterns"
    (doseq [re ["a+" "\\d+" "<(.*)>" "\"[^\"]*" "<[^>]*" "[^>]*>" "<[a-z>]*>" "<\\w*a>" "<[^>]{2,5}>" "<.{3,9}?>" "<[^>]{2}>" "<[^>]*?>x?"
                "(?i)a.*?b" "<(?:[^>])*>" "<([^>]*)(x)>" "<\\p{L}*>" "(?iu)<[^>k]*>" "<[^>é]*>" "x\\w*y" "(?i)<[^x]*>" "<.*+>" "(<)[^>]*>"
                "<(?=a)[^>]*>" "(?x)< [^>]* >" "<[^>]*>|x" "\\b<[^>]*>"
                "\"(?:[^\"]|\\\\.)*\"" "\"(?:[^\\\\]|\\\\.)*\"" "\"(?:[^\"\\\\]|\\\\.)+\"" "\"(?:[^\"\\\\]|\\\\\\w)*\""
                "\"([^\"\\\\]|\\\\.)*\"" "\"\"(?:[^\"\\\\]|\\\\.)*\"" "\"[^\"\\\\]*(?:\\\\.[^\"\\\\x]*)*\"" "x(?:[a-c]|x.)*y"]]
      (is (nil? (field (facts re) "delimited")) re))))

(deftest text-start-only
  (testing "every branch starts at the text's start"
    (doseq [re ["^\\s+" "\\Aabc" "^$" "^a|\\Ab" "(?:^a|\\Ab)c*" "(^x)" "^" "(?-m)^a" "(?m)\\Aa"]]
      (is (true? (field (facts re) "textStartOnly")) re)))
  (testing "other patterns"
    (doseq [re ["(?m)^a" "^a|b" "a^" "(?m:^)a" "(?<=x)^a" "x*^a" "\\Ga" "$" "(?:)^a"]]
      (is (false? (field (facts re) "textStartOnly")) re))))

(deftest class-run-shapes
  (testing "one class repeated greedily, at least once"
    (doseq [re ["\\w+" "\\p{IsHan}+" "[A-Z_]{5,}" "(?U)\\w+" "[^\\x00-\\x7F]{3,}" "(\\d+)" ".+" "(?s).+" "\\S++"
                "\\b\\w+\\b" "\\b[A-Z]+\\b" "\\b\\d+" "[a-z_]+\\b" "\\b(\\w{2,})\\b"
                "[a-z][A-Z]" "\\p{Lu}\\p{Ll}+" "[A-Z][a-z]+[A-Z][a-z]+" "\\d+\\.\\d+" "([A-Z][a-z]+)" "(?i)a\\w+"
                "[a-z]{1,3}[0-9]" "[A-Z]\\w*" "\\b[a-z]+[A-Z]\\w*" "\\b[a-z]+[A-Z]\\w+\\b" "x\\d*"
                "\\w{2,5}" "[^\\w\\s]" "(?i)[aeiou]{2}" "\\b\\w{2,5}\\b"
                ;; \b after a last class that may take none, after a class of word characters; \b inside the group
                "\\b[a-z]+[A-Z]\\w*\\b" "\\b[A-Z][a-z]*\\b" "(\\b[a-z]+\\b)" "(\\b\\w+)\\b"]]
      (is (some? (field (facts re) "classRun")) re)))
  (testing "other patterns"
    (doseq [re ["\\w*" "\\w+?" "\\w+x" "(?:\\w)+" "(\\w)+" "(?>\\w+)" "\\w+|x"
                "[a-z]+[a-z]" "\\w+\\d" "\\d*x" "a\\w*?" "\\p{L}+\\p{Lu}" "[a-z]+." "ab" "a+" "é+" "\\w*" "[a-z]*[A-Z]+" "\\d+\\.?\\d+" "\\b[a-z]+[.,][a-z]*\\b" "(\\p{So}[A-Z_]*)\\b"
                "\\b\\p{L}+\\b" "(?U)\\b\\w+\\b" "\\b[a-z-]+\\b" "\\b\\w+\\b\\b" "\\B\\w+" "\\b\\S+"]]
      (is (nil? (field (facts re) "classRun")) re)))
  (testing "after a MULTILINE ^: line starts only (with UNIX_LINES, after \\n alone)"
    (doseq [[re unix] [["(?m)^\\s+" false] ["(?m)^\\.\\w+" false] ["(?m)^(\\w+)" false] ["(?md)^[a-z]+" true]]]
      (let [run (field (facts re) "classRun")]
        (is (= [true unix] [(field run "lineStart") (field run "unixLines")]) re))))
  (testing "not a class run: ^ without MULTILINE (the text's start), or $"
    (doseq [re ["^\\s+" "\\A\\w+" "(?m)^\\w+$" "(?m)\\w+^"]]
      (is (nil? (field (facts re) "classRun")) re)))
  (testing "the boundary pair: the last of an item of fixed count (or of varying count after fixed ones) and the first of the next"
    (doseq [[re k] [["[a-z][A-Z]" 0] ["[a-z]+[A-Z][a-z]+" 0] ["[A-Z][a-z]+[A-Z][a-z]+" 1] ["[a-z]+_[a-z]+" 0]
                    ["\\p{Lu}\\p{Ll}+" -1] ["[a-z]{1,3}[0-9]" -1] ["\\w+" -1]]]
      (is (= k (field (field (facts re) "classRun") "boundaryItem")) re)))
  (testing "a match at every character of the first class: one of it, then a class that may take none"
    (doseq [[re yes] [["[a-z]\\w*" true] ["[a-zA-Z_$][a-zA-Z\\d_$]*" true] ["[a-z][0-9]?" true]
                      ["[a-z]{2}\\w*" false] ["[a-z]\\w+" false] ["\\b[a-z]\\w*" false] ["(?m)^[a-z]\\w*" false] ["\\w+" false]]]
      (is (= yes (call (field (facts re) "classRun") "everyStartMatches")) re))))

(deftest previous-match-dependence
  (doseq [re ["\\G\\w" "(?=(a)|b)a" "x\\Gy"]]
    (is (true? (field (facts re) "previousMatch")) re))
  (doseq [re ["abc" "(a)(?=b)" "\\w+"]]
    (is (false? (field (facts re) "previousMatch")) re)))

(defn- own-pairs
  "The literal plan's own pairs (one pair of positions per literal), or nil when it searches a union."
  [re]
  (some-> (facts re) (call "literalProbes") (field "pairs")))

(deftest several-literals-each-search-their-own-pair
  (testing "two to four literals whose positions are single bytes (or one ASCII letter in both cases)"
    (doseq [re ["ERROR|WARN|FATAL" "(?i)error|warn" "foo|bar" "ab|cd|ef|gh"]]
      (is (some? (own-pairs re)) re)))
  (testing "under SIMD, literals of three or more such bytes each add a third byte (at one shared distance)"
    (let [simd? (.isPresent (.findModule (java.lang.ModuleLayer/boot) "jdk.incubator.vector"))]
      (doseq [re ["ERROR|WARN|FATAL" "foo|bar"]]
        (is (= simd? (pos? (long (field (own-pairs re) "e")))) re))
      (is (zero? (long (field (own-pairs "ab|cd") "e"))) "two-byte literals have no third")))
  (testing "one literal, more than four, or a position that needs a class test: no own pairs"
    (doseq [re ["ERROR" "a1|b2|c3|d4|e5" "[0-9]x|y[0-9]"]]
      (is (nil? (own-pairs re)) re)))
  (testing "results equal re-seq where the literals' bytes pair up across literals, SIMD and SWAR"
    ;; "EOR" and "WRN" hold the first bytes of one literal with the second of another: the
    ;; union of pairs stops there, each literal's own pair must not; a match ends the text.
    (let [text (str (apply str (repeat 3000 "EWRN FATWARE EOR WRN ERRWAR FAL "))
                    "ERROR WARN FATAL" (apply str (repeat 500 "x")) "FATAL")
          f (doto (java.io.File/createTempFile "pairs" ".txt") (.deleteOnExit))
          cases (vec (for [re ["ERROR|WARN|FATAL" "(?i)error|warn|fatal" "RN|AL" "WAR|FAT|ERR"
                                         ;; four literals: the kernels for four, exact and folding case
                                         "ERROR|WARN|FATAL|FAL" "(?i)error|warn|fatal|fal"]
                                threads [1 2]] [re threads]))
          expected (vec (for [[re] cases] (count (re-seq (re-pattern re) text))))
          code (fn [] (str "(require '[mmap.core :as m])"
                           "(prn (mapv (fn [[re t]] (count (m/re-seq (re-pattern re) " (pr-str (str f)) " {:threads t}))) "
                           (pr-str cases) "))"))]
      (spit f text)
      (doseq [[[re threads] n] (map vector cases expected)]
        (is (= (re-seq (re-pattern re) text)
               ((requiring-resolve 'mmap.core/re-seq) (re-pattern re) (str f) {:threads threads}))
            [re threads n]))
      (testing "without jdk.incubator.vector (the SWAR search)"
        (let [{:keys [out err exit]} ((requiring-resolve 'mmap.test-support/run-clojure) (code))]
          (is (zero? exit) err)
          (is (= expected (read-string out)) err))))))

(deftest a-lone-literal-is-searched-by-three-of-its-bytes-under-simd
  (let [third #(some-> (facts %) (call "literalProbes") (field "pairThird"))
        simd? (.isPresent (.findModule (java.lang.ModuleLayer/boot) "jdk.incubator.vector"))]
    (testing "a literal of three or more single-byte (or case-folded) positions"
      (doseq [re ["\\bint\\b" "(?i)timeout" "\\w+Exception\\b"]]
        (is (= simd? (some? (third re))) re)))
    (testing "the third may stand before the pair: the triple then starts there"
      ;; ".length()": the rarest pair is the bigram "()", the rarest third byte the "g" before it
      (let [probes (some-> (facts "\\w+\\.length\\(\\)") (call "literalProbes"))]
        (when simd?
          (is (= [4 3 4] [(first (field probes "pairAts")) (field probes "pairDistance") (field probes "thirdDistance")])))
        (let [text (str "a.length() " (apply str (repeat 2000 "x.size() s.length(); long()g()(ng() ")) "\nend.length()")
              f (doto (java.io.File/createTempFile "third" ".txt") (.deleteOnExit))]
          (spit f text)
          (doseq [threads [1 2]]
            (is (= (re-seq #"\w+\.length\(\)" text)
                   ((requiring-resolve 'mmap.core/re-seq) #"\w+\.length\(\)" (str f) {:threads threads :chunk-size 4096})))))))
    (testing "two bytes, several literals, or a position that needs a class test: a pair"
      (doseq [re ["->" "ERROR|WARN" "[0-9][0-9][0-9]"]]
        (is (nil? (third re)) re))))
  (testing "results equal re-seq where the pair stands often and the third rarely, at both ends of the text"
    ;; "in" all over, "int" at the very start and end: the third byte is read as far past a
    ;; candidate as the search may go.
    (let [text (str "int " (apply str (repeat 4000 "in ina inb into print pint\n")) "int")
          f (doto (java.io.File/createTempFile "triple" ".txt") (.deleteOnExit))]
      (spit f text)
      (doseq [re ["\\bint\\b" "int" "(?i)INT" "pint\\n"]
              threads [1 2]]
        (is (= (re-seq (re-pattern re) text)
               ((requiring-resolve 'mmap.core/re-seq) (re-pattern re) (str f) {:threads threads}))
            [re threads])))))

(def ^:private ^Class automaton-class (Class/forName "mmap.internal.LineAutomaton"))

(defn line-automaton
  "The package-private LineAutomaton for `p`, or nil when there is none."
  [^Pattern p]
  (let [of (doto (.getDeclaredMethod automaton-class "of" ^"[Ljava.lang.Class;" (into-array Class [Pattern]))
             (.setAccessible true))]
    (.invoke ^java.lang.reflect.Method of nil (object-array [p]))))

(defn line-verdict
  "The automaton's verdict on one line: :no, :yes or :unknown."
  [a ^String line]
  (let [m (doto (.getDeclaredMethod automaton-class "verdict" ^"[Ljava.lang.Class;" (into-array Class [(Class/forName "[B") Integer/TYPE Integer/TYPE]))
            (.setAccessible true))
        bs (.getBytes line "UTF-8")]
    ([:no :yes :unknown] (.invoke ^java.lang.reflect.Method m a (object-array [bs (int 0) (int (alength bs))])))))

(deftest line-automata
  (let [unix #(Pattern/compile % Pattern/UNIX_LINES)
        exact? #(field % "exact")]
    (testing "exact: nothing in the pattern needs assuming"
      (doseq [re ["[a-z]+[0-9]{3,}" "\\d+" "(\\d{1,3}\\.){3}\\d{1,3}" "^\\s*$" "(?i)timeout" "ab|cd" "x{2,5}?y" "\\A[A-Z]\\w*\\z"]]
        (is (true? (some-> (line-automaton (unix re)) exact?)) re)))
    (testing "approximate: word boundaries, lookaround, back references, possessive and atomic parts, ^ or $ whose meaning is not the line's ends"
      (doseq [p [(unix "\\bint\\b") (unix "(?<!\\w)ab(?!\\w)") (unix "(a)x\\1") (unix "a*+b") (unix "(?>ab|a)c")
                 (unix "(?m)^a") (Pattern/compile "b$") (Pattern/compile "(?m)^b")]]
        (is (false? (some-> (line-automaton p) exact?)) (str p))))
    (testing "none: every line matches, or the automaton would be too large"
      (doseq [p [(unix "a*") (unix "(?:)") (unix "x|") (unix "[ab]{5000}") (unix "[ab]*a[ab]{12}")]]
        (is (nil? (line-automaton p)) (str p)))))
  (testing "verdicts"
    (let [a (line-automaton (Pattern/compile "[a-z]+[0-9]{3,}" Pattern/UNIX_LINES))]
      (is (= [:yes :no :no :yes :unknown :no :no]
             (map #(line-verdict a %) ["x = ab123;" "x = 123;" "ab12 c" "tcp8080" "é ab123" "é x = 123;" "ab€123"]))
          "a character past ASCII is read as one, matched by no ASCII class; a line with one is ruled out, never decided"))
    (let [a (line-automaton (Pattern/compile "x.y" Pattern/UNIX_LINES))]
      (is (= [:unknown :unknown :no :unknown :unknown]
             (map #(line-verdict a %) ["xéy" "x€y" "xé€y" "x\u0000y" "x😀y"]))
          "one character of two or three bytes; a NUL or four bytes are left to the engine"))
    (let [a (line-automaton (Pattern/compile "^\\s*$" Pattern/UNIX_LINES))]
      (is (= [:yes :yes :no :yes] (map #(line-verdict a %) ["" "  \t" " x " "\r"])) "\\s holds \\r"))
    (let [a (line-automaton (Pattern/compile "\\bint\\b" Pattern/UNIX_LINES))]
      (is (= [:unknown :no :unknown] (map #(line-verdict a %) ["int x" "long x" "print"]))
          "an approximate automaton only rules lines out"))))

(deftest byte-kernels-equal-their-definitions
  (let [r (java.util.Random. 7)
        random-bytes (fn ^bytes [n alphabet] (let [a (byte-array n)] (dotimes [i n] (aset a i (byte (nth alphabet (.nextInt r (count alphabet)))))) a))]
    (testing "counting one byte, in lanes summed per batch of words"
      (doseq [n [0 7 8 9 2039 2040 2048 2049 20000]]
        (let [^bytes a (random-bytes n [10 48 97 -1])]
          (doseq [[from to] [[0 n] [(min n 3) n] [0 (max 0 (- n 5))]]]
            (is (= (count (filter #(= 10 (aget a %)) (range from to)))
                   (mmap.internal.ByteSearch/count a (int from) (int to) (byte 10)))
                [n from to])))))
    (testing "a pair of two ranges (three digits in a row) at every alignment, against re-seq"
      (let [text (String. ^bytes (random-bytes 50000 (map int "0123456789ab\n")) "US-ASCII")
            f (doto (java.io.File/createTempFile "ranges" ".txt") (.deleteOnExit))]
        (spit f text)
        (let [res ["[0-9][0-9][0-9]" "[a-b][0-9]{2}" "\\d{3}a" "[a-b][0-9]" "[0-9][a-b]"]
              expected (mapv #(count (re-seq (re-pattern %) text)) res)]
          (doseq [re res]
            (is (= (re-seq (re-pattern re) text) ((requiring-resolve 'mmap.core/re-seq) (re-pattern re) (str f) {:threads 1})) re))
          (testing "without jdk.incubator.vector (the SWAR search)"
            (let [{:keys [out err exit]} ((requiring-resolve 'mmap.test-support/run-clojure)
                                          (str "(require '[mmap.core :as m])"
                                               "(prn (mapv #(count (m/re-seq (re-pattern %) " (pr-str (str f)) " {:threads 1})) " (pr-str res) "))"))]
              (is (zero? exit) err)
              (is (= expected (read-string out)) err))))))))

(deftest large-line-automata
  (testing "patterns of hundreds of NFA states build (or give up at the bounds), and their verdicts hold"
    (doseq [[re line expected] [["(\\w+\\s+){1,50}end" "a b c end" :yes] ["(\\w+\\s+){1,50}end" "a b c en" :no]
                                ["\\d{1,3}(,\\d{3}){1,100}" "1,234,567" :yes] ["\\d{1,3}(,\\d{3}){1,100}" "1,23" :no]
                                ["(ab|cd){20,30}x" (str (apply str (repeat 25 "ab")) "x") :yes]]]
      (let [a (line-automaton (Pattern/compile re Pattern/UNIX_LINES))]
        (is (some? a) re)
        (is (= expected (line-verdict a line)) [re line])))
    (doseq [re ["\\w{1,1000}x" ".{100}x.{100}" "x.{0,1000}y"]]
      (is (nil? (line-automaton (Pattern/compile re Pattern/UNIX_LINES))) re)))
  (testing "scans with them equal re-seq"
    (let [text (apply str (for [i (range 2000)] (str "w" i " x" (mod i 7) " 1," (format "%03d" (mod i 1000)) " end\n")))
          f (doto (java.io.File/createTempFile "large" ".txt") (.deleteOnExit))]
      (spit f text)
      (doseq [re ["(\\w+\\s+){1,50}end" "\\d{1,3}(,\\d{3}){1,100}" "(x[0-6] ){1,3}"]]
        (is (= (re-seq (re-pattern re) text) ((requiring-resolve 'mmap.core/re-seq) (re-pattern re) (str f) {:threads 2})) re)))))

(deftest groups-left-behind-by-failed-attempts
  (testing "a group nested in a repetition keeps its value from a failed attempt, so every attempt must be made"
    (doseq [re ["(?:(b)x)*c" "(?:(a)[abc]\\1)*\\d" "((a)|b)*\\d" "(?:(?<x>a)[abc]\\k<x>)*\\d{1,3}"]]
      (is (true? (field (facts re) "previousMatch")) re)))
  (testing "a repeated group itself is put back"
    (doseq [re ["(b)*c" "(\\d{1,3}\\.){3}\\d{1,3}" "(static )?int" "(a+)?x"]]
      (is (false? (field (facts re) "previousMatch")) re)))
  (testing "results equal re-seq, groups included"
    (doseq [[re text] [["(?:(b)x)*c" "bxbc\nbxc"] ["(?:(?<name>a)[abc]\\k<name>)*\\d{1,3}" "aba\r\n1"]]]
      (let [f (doto (java.io.File/createTempFile "leak" ".txt") (.deleteOnExit))]
        (spit f text)
        (is (= (re-seq (re-pattern re) text) ((requiring-resolve 'mmap.core/re-seq) (re-pattern re) (str f))) re)))))

(defn- exact-literals
  "The pattern's literals when it is nothing but literals, as strings, in order; or nil."
  [re]
  (some->> (field (facts re) "exactLiterals")
           (mapv (fn [lit] (apply str (map byte-set->str lit))))))

(deftest patterns-of-literals-only
  (testing "literals, in the order the engine tries them; classes listing characters past ASCII are literal positions"
    (doseq [[re expected] [["ERROR|WARN|FATAL" ["ERROR" "WARN" "FATAL"]]
                           ["a|ab" ["a" "ab"]]
                           ["(?:ab|a)(?:bcd|c)" ["abbcd" "abc" "abcd" "ac"]]
                           ["(?:de){2}" ["dede"]]
                           ["(?i)ok" ["[Oo][Kk]"]]
                           ["[xyz]" ["[xyz]"]]
                           ["[äöüß]" [(str (char 0xC3) "[" (apply str (map char [0x9F 0xA4 0xB6 0xBC])) "]")]]]]
      (is (= expected (exact-literals re)) re)))
  (testing "with an assertion a byte check decides: \\b (not under (?U)) around them, a MULTILINE ^ before them"
    (doseq [[re lits before after] [["\\bint\\b" ["int"] 1 1] ["(?m)^\\.TP\\b" [".TP"] 2 1] ["(?md)^ab" ["ab"] 3 0]
                                    ["\\b(?:der|die)\\b" ["der" "die"] 1 1] ["int\\b" ["int"] 0 1] ["(?i)\\bok" ["[Oo][Kk]"] 1 0]]]
      (is (= [lits before after] [(exact-literals re) (field (facts re) "exactBefore") (field (facts re) "exactAfter")]) re)))
  (testing "anything else: an anchor, a lookaround, a capture, an atomic group, a repetition that varies"
    (doseq [re ["(?U)\\bint\\b" "\\b(int)\\b" "int(?m)^" "\\Bint" "^abc" "abc$" "(?m)abc$" "a(?=b)" "(abc)" "(?>a|ab)c" "a+" "ab?" "a{2,3}" "[aä]" "[^a]" "." "\\w" "a|"
                "(?:a|ab){2}+" "[a-z]"]]
      (is (nil? (exact-literals re)) re)))
  (testing "found without the engine: by the literal search, or by the class-run scan where that would stop at nearly every byte"
    (let [strategy (fn [re] (.strategy (mmap.internal.RegexScanner.
                                        (mmap.internal.RegexScanner$Spec. (java.lang.foreign.MemorySegment/ofArray (.getBytes "x")) 0 1
                                                                          (Pattern/compile re) true))))]
      (doseq [re ["ERROR|WARN|FATAL" "[äöüß]" "(?i)timeout" "\\bint\\b" "(?m)^import"]]
        (is (= "LiteralFinder" (strategy re)) re))
      (doseq [re ["[aeiou]{3}" "[a-f0-9]{8}"]]
        (is (= "ClassRunFinder" (strategy re)) re))))
  (testing "results equal re-seq: leftmost start, then the first literal in order; characters past ASCII, case, malformed bytes"
    (let [text (str (apply str (repeat 300 "abcd abc ab a ac xabbcd ÄÖÜ äöüß Straße STRASSE ok OK Ok 日本語 \uD83D\uDE00 "))
                    "é")
          f (doto (java.io.File/createTempFile "literals" ".txt") (.deleteOnExit))
          ;; malformed UTF-8 next to literals: a lead byte without its continuation, a stray continuation
          bytes (byte-array (concat (.getBytes text "UTF-8") [(unchecked-byte 0xC3) 0x61 (unchecked-byte 0xA4) (unchecked-byte 0xC3)
                                                               (unchecked-byte 0xA4) (unchecked-byte 0xE2) (unchecked-byte 0x82)
                                                               (unchecked-byte 0xC3) (unchecked-byte 0xBC) 0x61 0x62]))]
      (with-open [o (java.io.FileOutputStream. f)] (.write o bytes))
      (let [decoded (slurp f)]
        (doseq [re ["a|ab" "ab|a" "(?:a|ab)(?:c|bcd)" "(?:ab|a)(?:bcd|c)" "[äöüß]" "(?iu)[äöü]" "(?iu)straße" "(?i)ok"
                    "日本|日" "\uD83D\uDE00|a" "é" "[\\x{e4}\\u00fc]" "abc|abcd|ab"]
                threads [1 2]]
          (is (= (re-seq (re-pattern re) decoded)
                 ((requiring-resolve 'mmap.core/re-seq) (re-pattern re) (str f) {:threads threads :chunk-size 4096}))
              [re threads])
          (is (= (count (re-seq (re-pattern re) decoded))
                 ((requiring-resolve 'mmap.core/count-matches) (re-pattern re) (str f) {:threads threads :chunk-size 4096}))
              [re threads]))
        (testing "byte offsets of matches"
          (let [ms ((requiring-resolve 'mmap.core/matches) #"äöüß" (str f))
                {:keys [start end match]} (first ms)]
            (is (= "äöüß" match))
            (is (= "äöüß" (String. ^bytes (java.util.Arrays/copyOfRange ^bytes bytes (int start) (int end)) "UTF-8")))))))))

(defn- is-as-re-seq
  "Asserts that mmap.core's re-seq over the file at `path` equals clojure.core's over `text`
  (and, with `count?`, that count-matches counts as many), at one and two threads in chunks of
  4 KiB; `label` goes into the messages."
  [re ^String text path label count?]
  (doseq [threads [1 2]]
    (let [opts {:threads threads :chunk-size 4096}
          expected (re-seq (re-pattern re) text)]
      (is (= expected ((requiring-resolve 'mmap.core/re-seq) (re-pattern re) path opts)) [re label threads])
      (when count?
        (is (= (count expected) ((requiring-resolve 'mmap.core/count-matches) (re-pattern re) path opts)) [re label threads])))))

(deftest line-ends-in-a-larger-text
  (testing "$, \\Z and \\z rule lines out within a text: they hold at a line's end, and before Java's other line terminators"
    (let [a (fn [re] (let [of (doto (.getDeclaredMethod automaton-class "of" ^"[Ljava.lang.Class;" (into-array Class [Pattern Boolean/TYPE Boolean/TYPE]))
                                (.setAccessible true))]
                       (.invoke ^java.lang.reflect.Method of nil (object-array [(Pattern/compile re) false true]))))]
      (doseq [re ["(?m)[ \\t]+$" "x$" "x\\z" "(?m)x$"]]
        (is (true? (field (a re) "endsAtLineEnds")) re))
      (is (false? (field (a "x") "endsAtLineEnds")))))
  (testing "results equal re-seq with every line terminator after a candidate, and characters that share their lead bytes"
    (let [lines ["x " "x  \r" "x\r\ny " "x\u0085y" "x\u2028y" "x\u2029y" "x \u2030" "x \u00a0" "x \u00a9" "x \u2027y" "x" "y x\t"
                 "a x\u0085 " "é x \u2028" "日本 \u2029x"]
          text (str (str/join "\n" (apply concat (repeat 40 lines))) "x ")
          f (doto (java.io.File/createTempFile "line-ends" ".txt") (.deleteOnExit))]
      (spit f text :encoding "UTF-8")
      (doseq [re ["(?m)[ \\t]+$" "(?m)x[ \\t]*$" "x\\s*$" "(?m)\\w+$" "[ \\t]+$" "x\\Z" "x \\z" "(?m)x$" "(?m)y$" "(?m)^x$"
                  "(?m)x(?=\\s)$" "(?md)x $"]]
        (is-as-re-seq re text (str f) "terminators" false))
      (testing "patterns that match the empty string at a line's end, over texts ending in \\n or empty"
        (doseq [re ["(?s)$" "x*$" "(?m)[ \\t]*$" "\\z"] t ["" "a\n" "a\n\n"]]
          (let [g (doto (java.io.File/createTempFile "line-ends" ".txt") (.deleteOnExit))]
            (spit g t)
            (is (= (re-seq (re-pattern re) t) ((requiring-resolve 'mmap.core/re-seq) (re-pattern re) (str g))) [re t]))))
      (testing "UNIX_LINES given when compiled, and turned off inline by (?-d)"
        (let [flags (bit-or Pattern/UNIX_LINES Pattern/MULTILINE)]
          (doseq [re ["(?-d)x\\s*$" "(?-d)\\w+$" "(?-d:x [ \\t]*$)" "x[ \\t]*$" "\\w+$"]]
            (let [p (Pattern/compile re flags)
                  expected (let [mm (.matcher p text)] (loop [acc []] (if (.find mm) (recur (conj acc (.group mm))) acc)))]
              (is (= expected (vec ((requiring-resolve 'mmap.core/re-seq) p (str f) {:threads 2 :chunk-size 4096}))) re)))))
      (testing "read as Latin-1, where byte 0x85 ends a line"
        (let [g (doto (java.io.File/createTempFile "line-ends" ".txt") (.deleteOnExit))
              nel (apply str (repeat 50 "ab\u0085;cd\n"))]
          (spit g nel :encoding "ISO-8859-1")
          (doseq [re ["(?m)\\w+$" "(?m)[a-d]+$"]]
            (is (= (re-seq (re-pattern re) nel)
                   ((requiring-resolve 'mmap.core/re-seq) (re-pattern re) (str g) {:encoding :latin-1 :threads 1}))
                re)))
        (let [latin (String. (.getBytes text "UTF-8") "ISO-8859-1")]
          (doseq [re ["(?m)[ \\t\\xc2]+$" "(?m)x.?$" "(?m)\\W$"]]
            (is (= (re-seq (re-pattern re) latin)
                   ((requiring-resolve 'mmap.core/re-seq) (re-pattern re) (str f) {:encoding :latin-1 :threads 1}))
                re)))))))

(deftest matches-at-the-end-of-the-text
  (testing "patterns whose matches end at the text's end know the bytes a match can hold"
    (doseq [re ["\\s+$" "[ \\t]+\\z" "\\d+\\Z" "(?:x|y)$" "a$|b\\z"]]
      (is (some? (field (facts re) "trailingClass")) re))
    (doseq [re ["(?m)\\s+$" "\\s+" "a$|b" "(?s).*$" "$\\n" "\\G\\s+$"]]
      (is (nil? (field (facts re) "trailingClass")) re))
    (testing "and those whose matches end at line ends, for the search of each line"
      ;; any byte a match cannot hold ends the run: \S+$ stops at the last blank of a line
      (doseq [re ["(?m)\\w+$" "(?m)[ \\t]+$" "\\s+$" "(?m)a$|b\\z" "(?m)\\S+$" "(?m)[^;]+$"]]
        (is (some? (field (facts re) "lineTrailingClass")) re))
      (doseq [re ["\\w+" "(?m)a$|b" "(?m)(?s).*$" "(?m)$\\n"]]
        (is (nil? (field (facts re) "lineTrailingClass")) re))))
  (testing "results equal re-seq: the search starts at the run of such bytes that ends the text"
    (doseq [re ["\\s+$" "\\s*$" "[ \\t]+\\z" "\\d+\\Z" "(?:x|y\\s)+$" "a$|b\\z" "(?<=x)\\s+$" "\\w+\\n?\\z" "\\S+$" "[^y]+\\z"]
            t ["" "a  \n" "x \r\n" "x\u2028" "y y \u0085" "12\n" "12 \n" "é  \n" "x  " "xxxx \t \n"]]
      (let [text (str (apply str (repeat 1500 "word  \n")) t)
            f (doto (java.io.File/createTempFile "trailing" ".txt") (.deleteOnExit))]
        (spit f text)
        (is-as-re-seq re text (str f) t false)))))

(deftest matches-that-may-hold-line-ends-and-end-at-one
  (testing "(?m)\\s+$ and the like try only the runs before line ends; results equal re-seq"
    (doseq [re ["(?m)\\s+$" "(?m)\\s*$" "(?m)[ \\t]*$" "(?m)\\s+\\z" "(?m)(?:x|\\s)+$" "(?m)\\W+$" "(?m)\\s$|a" "(?m)(?<=x)\\s+$"
                "(?m)\\s+$(?=\\n)" "(?md)\\s+$"]
            t ["" "a  \n" "a  \n\n  " "x \r\n" "x\u2028 y " "y y \u0085" "é  \n" "x  " "\n\n\n" " \r \n\r\n"]]
      (let [text (str (apply str (repeat 600 "word  x\n \n")) t)
            f (doto (java.io.File/createTempFile "line-end-runs" ".txt") (.deleteOnExit))]
        (spit f text)
        (is-as-re-seq re text (str f) t true)))))

(deftest matches-that-start-at-line-starts
  (testing "every match starts at the text's start or after a line terminator: ^ (any flags) or \\A first"
    (doseq [re ["(?m)^$" "^abc" "\\Aabc" "(?m)(?:^a|^b)" "(?m)(^\\s*)$" "(?i:^x)"]]
      (is (true? (call (facts re) "startsAtLineStart")) re))
    (doseq [re ["a|^b" "(?:^)?x" "(?=x)^x" "x^" "\\bx" "(?m)$"]]
      (is (false? (call (facts re) "startsAtLineStart")) re)))
  (testing "only line starts are tried; results equal re-seq"
    (doseq [re ["(?m)^$" "(?m)^\\s*$" "(?m)^" "^\\s*" "\\A" "(?m)^(?:$|x)" "(?md)^$" "(?m)^\\W*$" "(?m)^(?<=\\n)"]
            t ["" "\n" "\r\n\r\n" "a\r\rb" "x\u2028\u2028y" "\u0085\u0085" "é\n\n" "\n\n\n" " \r \n\r\n"]]
      (let [text (str t (apply str (repeat 500 "word x\n\n \r\n")) t)
            f (doto (java.io.File/createTempFile "line-starts" ".txt") (.deleteOnExit))]
        (spit f text)
        (is-as-re-seq re text (str f) t true))))
  (testing "in Latin-1, where 0x85 alone is NEL and C2, E2 start no terminator"
    (let [text (str "\u0085\u0085x\u00c2\n\u00e2\n" (apply str (repeat 500 "word x\n\n \r\n")) "\u0085")
          f (doto (java.io.File/createTempFile "line-starts" ".txt") (.deleteOnExit))]
      (with-open [o (java.io.FileOutputStream. f)] (.write o (.getBytes text "ISO-8859-1")))
      (doseq [re ["(?m)^$" "(?m)^" "(?m)^.$"] threads [1 2]]
        (is (= (re-seq (re-pattern re) text)
               ((requiring-resolve 'mmap.core/re-seq) (re-pattern re) (str f) {:threads threads :chunk-size 4096 :encoding :latin-1}))
            [re threads])))))

(deftest a-failed-attempt-in-a-leading-run-rules-out-the-rest-of-it
  (testing "the pattern starts with an unbounded class repetition and the rest never looks at the match's start"
    (doseq [re ["\\w+\\s*=\\s*\\w+;" "(\\w+)@x" "[a-z]*x" "(?i)[a-z]+ing\\b" "\\w++y" "\\w+(?=x)y"]]
      (is (some? (field (facts re) "leadingRun")) re)))
  (testing "bounded, atomic, alone, or a rest that looks back: none"
    (doseq [re ["(\\w)\\w+\\1" "\\w+\\1" "\\w+(?<=ab)c" "x\\w+" "\\w+" "(?>\\w+)x" "\\w{2,5}x" "\\w+\\Gx" "(?:\\w|-)+x"]]
      (is (nil? (field (facts re) "leadingRun")) re)))
  (testing "results equal re-seq"
    (let [text (str (apply str (repeat 300 "  int foo = bar;\n\tx.y=z ;é=b; ab_c1 = 2;RUNNING sing ingx abxyy zzxx IllegalStateException\n"))
                    "end= x;")
          f (doto (java.io.File/createTempFile "leading-run" ".txt") (.deleteOnExit))]
      (spit f text)
      (doseq [re ["\\w+\\s*=\\s*\\w+;" "\\w+Exception\\b" "[a-z]*x\\b" "(?i)[a-z]+ing\\b" "\\w+\\b=" "(\\w+)\\s*;" "\\w++y" "[a-z]+xy"]]
        (is-as-re-seq re text (str f) "leading run" true)))))

(defn- finder-mode
  "The finder a scanner of `re` over UTF-8 text picks, with its mode: \"CandidateFinder LINE_ENDS\"."
  [^String re]
  (let [seg (java.lang.foreign.MemorySegment/ofArray (.getBytes "some text\n" "UTF-8"))
        spec (mmap.internal.RegexScanner$Spec. seg 0 10 (Pattern/compile re) true)
        finder (field (mmap.internal.RegexScanner. spec) "finder")]
    (str (.getSimpleName (class finder))
         (when (= "CandidateFinder" (.getSimpleName (class finder))) (str " " (field finder "mode"))))))

(deftest a-leading-run-is-passed-in-one-step-however-long
  (testing "runs of the leading class longer than one read of attemptEach (4 KiB), and patterns that may start with any byte"
    ;; Each position of such a run was tried, each try running to the run's end: (?m)[^;]+;$
    ;; took 1.7 s over 4 MB of the JDK sources, for a few comments of 10-20 KB without a ";".
    (let [long-run (apply str (repeat 160 "no semicolon here, nor brace ( x\n"))
          text (str (apply str (repeat 40 "int a = b; if (x) {\n  y();\n}\n")) long-run "z;\n{\n" long-run "é {\n" long-run)
          f (doto (java.io.File/createTempFile "long-runs" ".txt") (.deleteOnExit))]
      (is (> (count long-run) 4096))
      (spit f text)
      (doseq [re ["(?m)[^;]+;$" "(?m)[^{]*\\{$" "[^{]*\\{" "(?m)[^(]*\\($" "(?m)\\S+\\s*$" "(?m)\\w+\\W*$" "\\w+\\s*=\\s*\\w+;"
                  "(?m)(?:\\S+\\s+){2}\\S+$"]]
        (is-as-re-seq re text (str f) "long runs" true)))))

(deftest a-leading-run-is-tried-once-where-no-literal-serves
  (testing "a pattern with a leading run and no other strategy: each run of the class once, not each position"
    (doseq [re ["[a-z]+(?=\\s*[^a-z\\s])" "\\w+(?=\\s*\\W)" "[a-z]*(?=\\s*\\S)"]]
      (is (= "CandidateFinder EACH_RUN" (finder-mode re)) re))
    (testing "and on the lines a line automaton lets through"
      (is (= "CandidateFinder AUTOMATON" (finder-mode "\\w+(?!\\w|\\()")))))
  (testing "results equal re-seq"
    (let [long-word (apply str (repeat 5000 "w"))
          text (str (apply str (repeat 200 "int foo = bar(x); é_b = c ; wordy{ x\n\tq  =\r\n"))
                    long-word " =" long-word "(" long-word)
          f (doto (java.io.File/createTempFile "each-run" ".txt") (.deleteOnExit))]
      (spit f text)
      (doseq [re ["[a-z]+(?=\\s*=)" "\\w+\\s+(?=\\{)" "[a-z]*(?=\\s)" "\\w+(?=\\()" "\\w+(?!\\w|\\()" "\\w+(?<=e)\\b" "[a-z]+(?=\\s*$)"
                  "\\w*(?=\\z)"]]
        (is-as-re-seq re text (str f) "each run" true)))))

(deftest what-a-lookahead-must-see-is-a-literal
  (testing "a positive lookahead's literal, where the items before it end, with those items as the prefix"
    (doseq [[re lit] [["\\w+(?=\\()" "("] ["[A-Z]\\w+(?=<)" "<"] ["(\\w+)(?=\\(\\))" "()"] ["\\d+(?=L\\b)" "L"]
                      ;; past what may stand before it in the lookahead, as if that were consumed
                      ["[a-z]+(?=\\s*=)" "="] ["\\w+(?=\\s*\\{)" "{"] ["\\w+(?=[ \\t]*+(?:\\s*)\\()" "("]]]
      (is (= #{lit} (literals re)) re)
      (is (= "BOUNDED" (plan-mode re)) re)))
  (testing "none from a negative lookahead or a lookbehind, nor where what stands before has no class"
    (doseq [re ["\\w+(?!\\()" "(?<!\\()\\w+" "\\w+(?!x)(?=\\s)" "(?:\\w|\\R)(?=\\()"]]
      (is (not (contains? (or (literals re) #{}) "(")) re)))
  (testing "results equal re-seq, the match ending where the literal starts"
    (let [text (str (apply str (repeat 300 "foo(bar) x.y() List<T> 12L 3L4 ((a)) éé( a;b, \\w(\n  z  {\n a = b; c\t\n= d x  (\n")) "end(")
          f (doto (java.io.File/createTempFile "lookahead" ".txt") (.deleteOnExit))]
      (spit f text)
      (doseq [re ["\\w+(?=\\()" "[A-Z]\\w+(?=<)" "(\\w+)(?=\\(\\))" "\\d+(?=L\\b)" "\\w*(?=\\()" "\\w+\\s+(?=\\{)" "\\w+(?=[;,])"
                  "\\b\\w+(?=\\()" "\\w+(?=\\(|<)" "[^\\s(]+(?=\\()" "\\w+(?=(?i)L\\b)" "\\w+(?=\\(\\w)" "(?=\\()\\W+" "\\w+(?=\\()\\(\\w*"
                  "[a-z]+(?=\\s*=)" "\\w+(?=\\s*\\{)" "\\w+(?=\\s*\\()\\s*\\(" "\\w*(?=\\s+\\w+\\()" "[a-z]+\\s*(?=\\n)" "\\w+(?=(?:\\s|x)*\\()"]]
        (is-as-re-seq re text (str f) "lookahead" true)))))

(deftest what-a-leading-lookbehind-must-see-is-a-literal
  (testing "the literal a leading positive lookbehind ends with: every match starts where it ends"
    (doseq [[re lit n] [["(?<=\\.)\\w+" "." 1] ["(?<=new )\\w+" "new " 4] ["(?<=\\b[Tt]he )\\w+" "[Tt]he " 4]
                        ["(?<=->)\\s*\\w+" "->" 2] ["(?<=(\\.))\\w+" "." 1] ["(?<=é)\\w*" (str (char 0xC3) (char 0xA9)) 2]]]
      (is (= "PREFIX" (plan-mode re)) re)
      (is (contains? (literals re) lit) re)
      (is (= n (call (field (facts re) "plan") "startOffset")) re)))
  (testing "none from a negative one, one not first, one whose literals differ in length or hold a line end, or one that ends in no literal"
    (doseq [re ["(?<!\\.)\\w+" "\\w+(?<=\\.)" "(?<=a|bc)\\w" "(?<=\\n)\\w+" "(?<=\\.\\w?)x" "(?<=\\.\\s{0,3})\\w+"]]
      (is (zero? (or (some-> (field (facts re) "plan") (call "startOffset")) 0)) re)))
  (testing "results equal re-seq, a literal that starts in one task and ends in the next included"
    (let [text (str (apply str (repeat 300 "a.b new Foo() x->  y the end. The cat é é1 ab.\n.c\r\n(x)")) "new")
          f (doto (java.io.File/createTempFile "lookbehind" ".txt") (.deleteOnExit))]
      (spit f text)
      (doseq [re ["(?<=\\.)\\w+" "(?<=new )\\w+" "(?<=\\b[Tt]he )\\w+" "(?<=->)\\s*\\w+" "(?<=(\\.))\\w+" "(?<=é)\\w*"
                  "(?<=\\.|,)\\w*" "(?<=\\()\\)" "(?i)(?<=THE )\\w" "(?<=w)" "(?<=\\.)(?=\\w)"]]
        (is-as-re-seq re text (str f) "lookbehind" true))))
  (testing "an empty match after a literal that ends the text (the fuzz test found (?<=\") \\z over one quote)"
    (let [f (doto (java.io.File/createTempFile "lookbehind-end" ".txt") (.deleteOnExit))]
      (doseq [text ["\"" "x\"" "aa" "a" "xab"] re ["(?<=\")\\z" "(?<=\")" "(?<=a)" "(?<=a)$" "(?<=ab)" "(?<=a)x?"]]
        (spit f text)
        (is-as-re-seq re text (str f) (str "lookbehind at the end of " (pr-str text)) true)))))

(deftest a-group-every-successful-attempt-sets-leaks-nothing
  (testing "a capturing group that must match inside a lookaround that must match: the fast paths stay on"
    (doseq [re ["\\w+(?=(\\s*)=)" "(?<=(\\.))\\w+" "(\\w+)(?=(\\s*)\\()" "(?=(a))a"]]
      (is (false? (field (facts re) "previousMatch")) re)))
  (testing "but not one that may be skipped, one a back reference reads, nor one in a negative lookaround or a repetition"
    (doseq [re ["\\w+(?=(x)?;)" "(?=(a)|b)\\w" "(?=(a))\\1" "(?!(a))\\w" "(?:\\w(?=(\\d)))+"]]
      (is (true? (field (facts re) "previousMatch")) re)))
  (testing "results equal re-seq, groups included"
    (let [text (apply str (repeat 200 "x = 1; f (a) g(b);ab ax a1 x; 12 \n"))
          f (doto (java.io.File/createTempFile "groups" ".txt") (.deleteOnExit))]
      (spit f text)
      (doseq [re ["\\w+(?=(\\s*)=)" "(\\w+)(?=(\\s*)\\()" "(?=(a))\\w" "\\w+(?=(x)?;)" "(?=(a)|b)\\w" "(?:\\w(?=(\\d)))+"]]
        (is-as-re-seq re text (str f) "groups" true)))))

(deftest a-match-that-may-hold-any-byte-and-ends-at-a-line-end
  (testing "ends at a line end or the text's: $ of any kind, \\Z or \\z last"
    (doseq [re ["(?m)\\S+\\s*$" "(?m)\\w+$" "\\s+\\z" "(?m)[^;]+;$" "(?m)a$|b\\Z"]]
      (is (true? (call (facts re) "endsAtLineEnd")) re))
    (doseq [re ["\\w+" "(?m)a$|b" "(?m)$\\n" "\\G\\S+$"]]
      (is (false? (call (facts re) "endsAtLineEnd")) re)))
  (testing "with a leading run, it is searched line end by line end, once per run, though no class bounds it"
    (doseq [re ["(?m)\\S+\\s*$" "(?m)\\w+\\W*$" "(?m)[a-z]+[^a-z]*$"]]
      (is (nil? (field (facts re) "lineTrailingClass")) re)
      (is (= "CandidateFinder LINE_ENDS" (finder-mode re)) re))
    (testing "but not without one"
      (is (not= "CandidateFinder LINE_ENDS" (finder-mode "(?m)(?:\\S|\\s)\\s*$")))))
  (testing "results equal re-seq"
    (doseq [re ["(?m)\\S+\\s*$" "(?m)\\w+\\W*$" "(?m)[a-z]+[^a-z]*$" "(?m)\\S+\\s*\\z" "(?m)\\S+\\s*\\Z" "(?md)\\S+\\s*$"]
            t ["" "a  \n" "a  \n\n  " "x \r\n" "x\u2028 y " "y y \u0085" "é  \n" "x  " "\n\n\n" " \r \n\r\n"]]
      (let [text (str (apply str (repeat 600 "word  x\n \n")) t)
            f (doto (java.io.File/createTempFile "any-byte-line-ends" ".txt") (.deleteOnExit))]
        (spit f text)
        (is-as-re-seq re text (str f) t true)))))

(deftest a-leading-run-is-found-by-the-pair-of-bytes-that-ends-it
  (testing "an ASCII class taken greedily at least once, then a rest that starts with a rarer byte outside it"
    (let [span (fn [from to] (apply str (map char (range (int from) (inc (int to))))))
          lower (span \a \z)
          upper (span \A \Z)]
      (doseq [[re pair] [["[a-z]+(?:[A-Z][a-z]+)+" [lower upper]] ["([a-z]+)(?:[A-Z_][a-z]*)+" [lower (str upper "_")]]
                         ["[A-Za-z]+(?:\\s+[A-Za-z]+){3}" [(str upper lower) "\t\n\u000b\f\r "]]
                         ["[a-z]+(?=[A-Z])[A-Z]\\w" [lower upper]]]]
        (let [p (field (facts re) "runPair")]
          (is (some? p) re)
          (is (= (map #(str "[" % "]") pair) (map byte-set->str (first (call p "literals")))) re)))))
  (testing "none: lazy, optional, bounded, non-ASCII, overlapping, a rest that looks back or may be empty, a commoner rest"
    (doseq [re ["[a-z]+?[A-Z]x" "[a-z]*[A-Z]" "[a-z]{1,5}[A-Z]" "\\p{L}+[0-9]" "(?iu)[a-k]+[0-9]x" "[a-z]+[a-c0-9]x"
                "[a-z]+(?<=ab)[A-Z]" "([a-z]+)[A-Z]\\1" "[a-z]+[A-Z]*" "[A-Z]+(?:[a-z]+[A-Z]+)+" "[a-z]+\\Gx"
                ;; the first bytes of the rest, read past the lookahead, hold [a-z]
                "[a-z]+(?=[A-Z])\\w"]]
      (is (nil? (field (facts re) "runPair")) re)))
  (testing "results equal re-seq"
    (let [text (str (apply str (repeat 300 "  camelCaseWord = someValue; ALLCAPS aB é𝅧xY zzz_Top\tend ab\u0301Cd\n")) "lastOne")
          f (doto (java.io.File/createTempFile "run-pair" ".txt") (.deleteOnExit))]
      (spit f text)
      (doseq [re ["[a-z]+(?:[A-Z][a-z]+)+" "([a-z]+)(?:[A-Z_][a-z]*)+" "[a-z]+(?=[A-Z])[A-Z]\\w" "[A-Za-z]+(?:\\s+[A-Za-z]+){3}" "[a-z]+(?:[A-Z][a-z]+)+\\b"]]
        (is-as-re-seq re text (str f) "run pair" true)))))

(deftest what-stands-before-a-literal-is-read-back-from-each-candidate
  (let [before (fn [re] (some-> (field (facts re) "plan") (call "before")))
        starts? (fn [re ^String text]
                  (let [b (before re)
                        m (doto (.getDeclaredMethod (class b) "anyStart" (into-array Class [(Class/forName "[B") Integer/TYPE Integer/TYPE Boolean/TYPE]))
                            (.setAccessible true))
                        bs (.getBytes text "UTF-8")]
                    (.invoke m b (object-array [bs (int 0) (int (alength bs)) false]))))]
    (testing "ASCII classes and characters, each taken some number of times, before the literal"
      (doseq [re ["\\w+\\s*\\(\\s*\\)\\s*\\{" "(\\w+)\\s*\\(" "\\w+<\\w*" "(?i)b+<" "_?\\w{1,2}\\s*>"]]
        (is (some? (before re)) re)))
    (testing "none: alternation, lookaround, classes past ASCII, too many counts, a literal that may stand in the prefix"
      (doseq [re ["(?:[a-c]|x)+<" "(?<=a)\\w+<" "\\p{L}+<" "\\w{70}<" "[<a-z]+<"]]
        (is (nil? (before re)) re)))
    (testing "whether any start leads up to a candidate"
      (doseq [[text yes] [["foo() " true] ["a ( ) " true] ["foo()" true] ["else " false] ["x) " false] ["(" false] ["() " false] ["f\n(\t) " true]]]
        (is (= yes (starts? "\\w+\\s*\\(\\s*\\)\\s*\\{" text)) (pr-str text)))
      (doseq [[text yes] [["ab" true] ["abc" true] ["dab" true] ["x_abcd" false] ["b" false] ["a1" false]]]
        (is (= yes (starts? "[a-c]{2,3}<" text)) (pr-str text))))
    (testing "results equal re-seq, runs before candidates longer than a check reads included"
      (let [pad (apply str (repeat 100 " "))
            long-word (apply str (repeat 90 "ab"))
            text (apply str (repeat 200 (str "  else { x = f(y) {" long-word pad "() {" pad "{ try {\n  g" pad "( ) {\t"
                                           long-word "{ d" pad "<" long-word " <\n")))
            f (doto (java.io.File/createTempFile "back-check" ".txt") (.deleteOnExit))]
        (spit f text)
        (doseq [re ["\\w+\\s*\\(\\s*\\)\\s*\\{" "(\\w+)\\s*\\(" "[a-c]+\\s*<" "[ab]{2,3}\\s?<"]]
          (is-as-re-seq re text (str f) "back check" true))))))

(deftest a-lone-literal-without-simd-is-searched-in-the-mapping-itself
  ;; Without SIMD a lone pair is searched word by word in the mapping, 64 KiB at a time, and
  ;; the last bytes of each stretch by the copying search: matches at the text's start, across
  ;; block edges and in its last bytes must all be found, as re-seq finds them.
  (let [needle "ZQ_NEEDLE_7"
        spots (sorted-set 0 (- 65536 5) (- 65536 16) (- 131072 1) 200003 (- (* 1024 1024) 40))
        text (loop [sb (StringBuilder.) i 0]
               (cond (>= i (* 1024 1024)) (str sb "zq_needle_9")
                     (spots i) (recur (.append sb needle) (+ i (count needle)))
                     :else (recur (.append sb (if (zero? (mod i 61)) \newline \x)) (inc i))))
        f (doto (java.io.File/createTempFile "lone" ".txt") (.deleteOnExit))
        cases (vec (for [re ["ZQ_NEEDLE_\\d" "(?i)zq_needle_\\d" "NEEDLE" "(?i)needle_[79]$"] threads [1 2]] [re threads]))
        expected (vec (for [[re] cases] (vec (re-seq (re-pattern re) text))))
        code (str "(require '[mmap.core :as m])"
                  "(prn [mmap.internal.ByteSearch/VECTOR (mapv (fn [[re t]] (vec (m/re-seq (re-pattern re) " (pr-str (str f))
                  " {:threads t :chunk-size 65536}))) " (pr-str cases) ")])")]
    (spit f text)
    (is (every? #(<= 6 (count %)) (take 2 expected)) "every planted literal is a match")
    (let [{:keys [out err exit]} ((requiring-resolve 'mmap.test-support/run-clojure) code)
          [vector? found] (read-string out)]
      (is (zero? exit) err)
      (is (false? vector?) "the child JVM runs without jdk.incubator.vector")
      (doseq [[c e g] (map vector cases expected found)]
        (is (= e g) (pr-str c))))))

(deftest class-runs-between-word-boundaries
  (testing "after \\b, one attempt per word: the class-run scan, not the engine"
    (doseq [re ["\\b[a-z][A-Z]*\\b" "(\\b[a-z][A-Z]*\\b)" "\\b\\w[a-z]*\\b" "\\b[a-z]+[A-Z]\\w*\\b"]]
      (is (= "ClassRunFinder" (finder-mode re)) re)))
  (testing "results equal re-seq: camel case, digits, underscores, letters past ASCII and a combining mark beside words"
    (let [text (apply str (repeat 200 "fooBar x1 aB_c abc9 _x é1 éa aé caféBar cafe\u0301X naïveX zA. q9Z (aB) aBC9d ab cd\n"))
          f (doto (java.io.File/createTempFile "words" ".txt") (.deleteOnExit))]
      (spit f text)
      (doseq [re ["\\b[a-z][A-Z]*\\b" "(\\b[a-z][A-Z]*\\b)" "\\b\\w[a-z]*\\b" "\\b[a-z]+[A-Z]\\w*\\b" "\\b[A-Z][a-z]*\\b"
                  "(\\b[a-z]+\\b)" "\\b[a-z]{2}\\b" "\\b[a-z]\\w{2,5}\\b" "\\b[a-z]+[A-Z][a-z]*\\b"]]
        (is-as-re-seq re text (str f) "words" true)))))

(deftest bytes-above-ascii-are-searched-as-tests
  (testing "a literal of UTF-8 bytes is found by a pair of its bytes, not a byte at a time through a table"
    (doseq [re ["«" "ファイル" "Größe" "é"]]
      (is (some? (field (call (facts re) "exactProbes") "pairFirst")) re)))
  (testing "results equal re-seq, with and without jdk.incubator.vector"
    (let [r (java.util.Random. 11)
          pieces ["«" "»" "é" "ë" "É" "ファイル" "ファ" "イル" "a" "b" " " "\n" "ä" "Größe" "Gr" "x«y"]
          text (apply str (repeatedly 20000 #(nth pieces (.nextInt r (count pieces)))))
          f (doto (java.io.File/createTempFile "utf8-literals" ".txt") (.deleteOnExit))
          res ["«" "»" "[«»]" "ファイル" "é|ë" "(?i)é" "Größe" "x«y" "«\\s*\\w+"]
          expected (mapv #(vec (re-seq (re-pattern %) text)) res)]
      (spit f text)
      (doseq [re res]
        (is-as-re-seq re text (str f) "utf-8 literals" true))
      (let [{:keys [out err exit]} ((requiring-resolve 'mmap.test-support/run-clojure)
                                    (str "(require '[mmap.core :as m])"
                                         "(prn [mmap.internal.ByteSearch/VECTOR (mapv #(vec (m/re-seq (re-pattern %) " (pr-str (str f))
                                         " {:threads 2 :chunk-size 65536})) " (pr-str res) ")])"))
            [vector? found] (read-string out)]
        (is (zero? exit) err)
        (is (false? vector?) "the child JVM runs without jdk.incubator.vector")
        (is (= expected found))))))

(deftest a-literal-search-that-stops-too-often-plans-again
  (let [^String text (apply str (for [i (range 6000)]
                          (str "{\"ts\":\"" i "\",\"level\":\"" (if (zero? (mod i 97)) "error" "info") "\",\"msg\":\"a:b\"}\n")))
        ^bytes bytes (.getBytes text "UTF-8")
        seg (java.lang.foreign.MemorySegment/ofArray bytes)
        source (let [c (doto (.getDeclaredConstructor (Class/forName "mmap.internal.Source")
                                                      (into-array Class [java.lang.foreign.MemorySegment Long/TYPE Long/TYPE Boolean/TYPE]))
                         (.setAccessible true))]
                 (.newInstance c (object-array [seg 0 (alength bytes) true])))
        plan (call (facts "level\":\"error") "exactProbes")
        pre (let [c (doto (.getDeclaredConstructor (Class/forName "mmap.internal.Prefilter")
                                                   (into-array Class [(Class/forName "mmap.internal.Source") (Class/forName "mmap.internal.ProbePlan")]))
                      (.setAccessible true))]
              (.newInstance c (object-array [source plan])))
        next (doto (.getDeclaredMethod (class pre) "next" (into-array Class [Long/TYPE Long/TYPE])) (.setAccessible true))
        found (loop [from 0 acc []]
                (let [c (long (.invoke next pre (object-array [from (long (alength bytes))])))]
                  (if (neg? c) acc (recur (inc c) (conj acc c)))))
        expected (loop [from 0 acc []]
                   (let [i (.indexOf ^String text "level\":\"error" (int from))]
                     (if (neg? i) acc (recur (inc i) (conj acc i)))))]
    (testing "the plan of typical text searches for the quotes and colon, which every JSON line holds"
      (is (.contains (str (call plan "searchedBytes")) "\"")))
    (testing "every literal is found, in order, while the search plans again avoiding them"
      (is (= expected found))
      (is (pos? (field pre "replans")))
      (is (not (.contains (str (call (field pre "plan") "searchedBytes")) "\""))))))
