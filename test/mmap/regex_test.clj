(ns mmap.regex-test
  "re-seq over a mapping equals clojure.core/re-seq over slurp, with windows small enough
  to put every construct across a window boundary."
  (:require [clojure.string :as str]
            [clojure.test :refer [deftest is testing]]
            [clojure.test.check :as tc]
            [clojure.test.check.generators :as gen]
            [clojure.test.check.properties :as prop]
            [mmap.core :as m]
            [mmap.test-support :as ts])
  (:import (java.io RandomAccessFile)))

(set! *warn-on-reflection* true)

(def patterns
  [#"<(.*?)>" #"<[^>]*>" #"a+" #"(?s)<.*>" #"(?m)^\w+$" #"^.*" #"(?s).*\z" #"\bab\w*" #"(?<=a)b" #"a(?=b)"
   #"(?<!x)y+" #"x*" #"" #"\Aa" #"b\z" #"(?m)$" #"\n" #"(?s)a.{0,40}b" #"\p{L}+" #"é+" #"[^\x00-\x7f]+"
   #"(?i)AB" #"(a)|(b)" #"(?<word>[a-z]{2,})" #"\r?\n" #"." #"(?s)." #"\s+\S" #"(ab)+?c" #"$"
   #"ab" #"abc|x" #"ab(?=c)" #"é€" #"<a" #"x\n" #"(?s)<a.*?>" #"\Ga" #"a\.?b" #"ab*c"
   ;; the delimited shapes that a byte scan handles
   #"<.*?>" #"(?s)<(.*?)>" #"(?d)<(.*?)>" #"<([^>]*)>" #"\<[^\>]*\>" #"a(.*?)a" #"x[^x]*x" #"(?m)<(.*?)>"
   #"<[^>]+>" #"<<(.*?)>>" #"(?s)ab.*?ba" #"<.+?>" #"(?s)<(.+?)>" #"a[^ab\n]+bc" #"a[bc]*x" #"a[bc]+x" #"(?i)<[^>x]*>" #"(?iu)<[^>k]*>"
   #"x\S+y" #"<a.*?b>" #"aa(.+?)a" #"<\w*>" #"\n.*?\n" #"(?d)a.+?b" #"b.*\n" #"<[^<>\n]*>"
   ;; ... with a least number of characters (counted as java.util.regex counts: code points)
   #"<[^>]{2,}>" #"<.{3,}?>" #"(?s)a(.{2,}?)a" #"x[^x]{3,}x" #"<\w{2,}>" #"<([^>x]{4,})>" #"(?s)<.{5,}?>" #"<\S{2,}>" #"<(?:.){2,}?>"
   ;; strings with escapes (the alphabet's x stands for the escape)
   #"<(?:[^<>x]|x.)*>" #"<[^<>x]*(?:x.[^<>x]*)*>" #"(?s)a((?:x.|[^abx])*)b" #"(?d)<(?:[^>x]|x.)*>" #"x((?:[a-c]|x.)*)y"
   ;; only at the text's start
   #"^\s+" #"(?:^a|\Ab)c*" #"^" #"\A" #"^$" #"(?s)^.*" #"^(a|x)+"
   ;; one class repeated
   #"[a-c]{2,}" #"[abx]{4,}" #"\b[a-c_]{3,}\b" #"(?U)\w+" #"\W+" #"[^a]{3,}" #"(\S+)" #"\p{So}+" #"[é€]+" #".+" #"(?s).+" #"(?d).{2,}" #"[^\x00-\x7f]{2,}"
   #"\b\w+\b" #"\b[a-c]+\b" #"\b\d+" #"[a-c]+\b" #"\b(\w{2,})\b"
   ;; classes in sequence
   #"[a-c][xy]" #"[a-c]+[xy]+" #"\p{L}[a-c]+" #"(?i)a\w+" #"[ab]{1,2}[xy]" #"[<>]+\S" #"é+" #"\b[a-c]+x\b" #"([a-c]{2,}[<>])" #"[<>]\w*" #"\b[a-c]+[xy]\w*\b" #"[xy][a-c]?" #"(\p{So}[a-c_]*)\b" #"(€+\d?)\b" #"[a-c]{3,}x" #"[a-cx]{2,3}[<>]" #"[a-c][a-cxy]*" #"[<>€]\w*"
   ;; found by a byte pair at an item boundary
   #"[a-z][a-z]x?" #"[a-z]{2}[!-@]" #"[!-@][a-z]{2}[A-Z<>]" #"([a-z]+[!-@][a-z]+)" #"[a-z][!-@]" #"[!-@][a-z]+[A-Z<>]"
   #"[!-@][a-z]+[A-Z<>][a-z]*" #"[a-z]\s" #"[a-z]+\s+[<>]" #"\s[a-z]+"
   ;; one class of bounded count
   #"[^\w\s]" #"(?i)[abc]{2}" #"[a-cx]{2,3}" #"\b\w{2,3}\b" #"\w{1,2}\b" #"[^a-c]"
   ;; may hold line ends, and end at one: tried in the runs before line ends only
   #"(?m)\s+$" #"(?m)[\s<]+$" #"\s+\z" #"(?m)\n+$" #"(?m)(?:\s|x)+$" #"(?m)[^a]+$" #"(?md)\s+$"
   #"(?m)\S+$" #"\S+$" #"(?m)[^\s<]+$"
   ;; literals with \b or a MULTILINE ^ around them, checked by bytes (the alphabet has
   ;; combining marks, U+0301 and the supplementary U+1D167: \b takes the first for a word
   ;; character after a letter, never the second)
   #"\bab\b" #"\b(?:a|ab)\b" #"(?i)\bA\b" #"(?m)^ab" #"(?md)^(?:b|a)" #"a\b" #"\b_" #"\b\u0301" #"(?m)^\u0301" #"\bé" #"(?m)^x\b" #"\b(?:\u0301|b)"
   ;; after a MULTILINE ^ (the alphabet has every line terminator, and \r\n)
   #"(?m)^\s+" #"(?m)^[a-c]+" #"(?m)^<\w*" #"(?md)^\s+" #"(?m)^\W+" #"(?m)^(\p{L}+)" #"(?m)^[<>]x?"
   ;; a leading run found by the pair of bytes that ends it (and may start the rest)
   #"[a-y]+(?:[<>A-Z_][a-y]+)+" #"[a-y]+(?:[<>A-Z_]\s*)+" #"([a-y]+)(?:[A-Z<>_][a-y]*)+" #"[a-y]+(?:[A-Z<>]|_\s)+"
   #"[a-y]+(?=[A-Z<>_])[A-Z<>_]\w*" #"([a-y]+)(?:[<>A-Z_][a-y]+)+\b"
   ;; literals with wide class positions (more than 16 ASCII members): checked, not searched for
   #"x[a-y]{2}" #"<[a-y]\w*" #"ab[a-y<>]" #"[a-y]x[a-y]" #"<(\w+)>" #"\bx[a-y]+\b" #"(?:<|>)[a-y_]"
   ;; what stands before a literal, read back from each candidate
   #"\w+\s*<\s*>\s*x" #"[a-c]+\s*<" #"\w*x?<" #"[a-c]{2,3}<" #"(?i)B+<" #"_?\w{1,2}\s*>" #"a\s+b\s*<" #"[a-y]*\s?é"])

(def alphabet (mapv #(.getBytes ^String %) ["a" "b" "c" "x" "y" "<" ">" "\n" "\r" " " "é" "€" "😀" "ab" "\u0000" "\u0301" "_"
                                            "\u0085" "\u2028" "\u2029" "\uD834\uDD67"]))

(def gen-text
  (gen/fmap (fn [parts] (byte-array (mapcat seq parts)))
            (gen/vector (gen/one-of [(gen/elements alphabet)
                                     (gen/fmap #(byte-array [(unchecked-byte %)]) (gen/choose 128 255))])
                        0 300)))

(defn- same? [re ^bytes content opts]
  (let [f (ts/temp-file content)
        expected (re-seq re (if (#{:latin-1 :bytes} (:encoding opts)) (String. content "ISO-8859-1") (slurp f)))
        actual (with-open [mp (m/map-file f)] (doall (m/re-seq re mp opts)))]
    (.delete f)
    (or (= expected actual)
        (do (println "MISMATCH" (pr-str re) opts (pr-str (String. content "UTF-8")) (pr-str expected) (pr-str actual))
            false))))

(deftest differential-against-slurp
  (doseq [opts [{:window 16 :threads 1} {:window 37 :threads 1} {:window 64} {:window 4096}
                {:window 16 :threads 3 :chunk-size 40} {:window 64 :threads 2 :chunk-size 100}
                {:window 16 :threads 2 :chunk-size 16 :encoding :utf-8}
                {:encoding :latin-1 :threads 1} {:encoding :bytes :threads 2 :chunk-size 30}]]
    (let [r (tc/quick-check 150 (prop/for-all [content gen-text re (gen/elements patterns)]
                                  (same? re content opts)))]
      (is (:pass? r) (str (pr-str opts) ": " (pr-str (:shrunk r)))))))

(deftest grapheme-constructs-at-window-edges
  ;; The JDK's \X stops at the end of its input without hitEnd, and its \b{g} depends on where
  ;; the previous match ended (and fails when that is the input's end): windows must not show.
  (let [f (ts/temp-file "")]
    (doseq [n (range 10 40)
            tail ["\r\nb" "e\u0301b" "\u0301\u0301b" "\uD83D\uDE00\u200D\uD83D\uDE00b" "\uD83C\uDDE9\uD83C\uDDEA\uD83C\uDDE9b"]]
      (let [t (str (apply str (repeat n "a")) tail tail)]
        (spit f t)
        (doseq [re [#"\X" #"\X+?" #"\X\X" #"[a-z]\X" #".\b{g}" #"\b{g}\X+?." #"(?:\b{g}.)\X+?\s" #"\R"]
                opts [{:window 16 :threads 1} {:window 17 :threads 1} {:window 23 :threads 2 :chunk-size 16}]]
          ;; where java.util.regex itself fails (its \b{g} at the text's end), ours must fail too
          (let [outcome #(try (doall (%))
                              (catch IndexOutOfBoundsException _ :index-out-of-bounds)
                              (catch clojure.lang.ExceptionInfo e
                                (if (= :out-of-bounds (:mmap/error (ex-data e))) :index-out-of-bounds (throw e))))]
            (is (= (outcome #(re-seq re t)) (outcome #(m/re-seq re (str f) opts))) (str (pr-str re) " " opts " " (pr-str t)))))))))

(deftest line-confined-patterns-skip-settled-lines
  (let [lines (apply str (for [i (range 3000)] (str "line " i (when (zero? (mod i 500)) " é<tag>") "\n")))
        f (ts/temp-file lines)]
    (doseq [re [#"(?<=é)<\w+>" #"\d+$" #"(?m)^line \d*0 é" #"[a-z]+ \d\d\b"]
            opts [{:threads 1 :window 64} {:threads 2 :chunk-size 4096 :window 128}]]
      (is (= (re-seq re lines) (m/re-seq re f opts)) (str re opts)))))

(deftest parallel-equals-sequential-on-a-larger-file
  (let [rnd (java.util.Random. 42)
        sb (StringBuilder.)]
    (dotimes [i 60000]
      (.append sb (case (.nextInt rnd 12)
                    0 "<tag>" 1 "<a b=\"1\">" 2 "\n" 3 "é" 4 "ZQ_NEEDLE_42" 5 " " 6 "😀" 7 "<" 8 ">"
                    (str (char (+ 97 (.nextInt rnd 26)))))))
    (let [f (ts/temp-file (str sb))
          text (slurp f)]
      (doseq [re [#"<(.*?)>" #"<[^>]*>" #"ZQ_NEEDLE_\d+" #"(?s)<.*?>" #"\w+" #"(?m)^.{0,3}$" #"" #"é+"]
              opts [{:threads 2 :chunk-size 1000} {:threads 4 :chunk-size 4096 :window 512}
                    {:threads 2 :chunk-size 1000 :encoding :latin-1}]]
        (let [text (if (= :latin-1 (:encoding opts)) (String. (ts/file-bytes f) "ISO-8859-1") text)]
          (is (= (re-seq re text) (m/re-seq re f opts)) (str re " " opts))
          (is (= (count (re-seq re text)) (m/count-matches re f opts)) (str re " " opts))
          (is (= (vec (re-seq re text)) (into [] (m/re-seq-reducible re f opts))) (str re " " opts)))))))

(deftest tasks-stopped-by-their-result-budget-go-on-in-order
  ;; A task stops after 16384 results; the rest of its chunk is queued behind it at once and
  ;; scanned while the reader takes what came before. The order must not show it.
  (let [rnd (java.util.Random. 7)
        text (apply str (repeatedly 400000 #(case (.nextInt rnd 6) 0 " " 1 "\n" 2 "é" (char (+ 97 (.nextInt rnd 4))))))
        f (ts/temp-file text)]
    (doseq [re [#"\w" #"[a-d]\w?" #"(\w)\w*"]
            opts [{:threads 2 :chunk-size 65536} {:threads 3 :chunk-size 100000 :window 4096}]]
      (is (= (re-seq re text) (m/re-seq re f opts)) (str re " " opts))
      (is (= (vec (re-seq re text)) (into [] (m/re-seq-reducible re f opts))) (str re " " opts)))))

(deftest hand-picked-boundary-cases
  (let [text (str (apply str (repeat 50 "xy")) "<tag with é and 😀>" (apply str (repeat 30 "ab\n")) "end")]
    (doseq [re patterns window [16 32 100]]
      (is (same? re (.getBytes text "UTF-8") {:window window}) (str re " window " window)))))

(deftest latin-1-and-offsets
  (let [f (ts/temp-file (byte-array (map unchecked-byte [60 200 62 0 60 255 62])))]
    (is (= ["<\u00c8>" "<\u00ff>"] (m/re-seq #"<.>" f {:encoding :latin-1})))
    (is (= [[0 3] [4 7]] (map (juxt :start :end) (m/matches #"<.>" f {:encoding :bytes}))))
    (is (= 2 (m/count-matches #"<.>" f {:encoding :latin-1})))
    (is (= 1 (m/count-matches #"<.>" f {:from 2 :encoding :latin-1})))))

(deftest api-shapes
  (let [f (ts/temp-file "id=1 name=ann; id=22 name=bob")]
    (is (= "id=1" (m/re-find #"id=\d+" f)))
    (is (= [{:match "id=22" :groups ["22"] :start 15 :end 20 :named {:n "22"}}]
           (filter #(= "id=22" (:match %)) (m/matches #"id=(?<n>\d+)" f))))
    (is (= ["ann" "bob"] (into [] (map second) (m/re-seq-reducible #"name=(\w+)" f))))
    (is (= 2 (reduce (fn [n _] (inc n)) 0 (m/matches-reducible #"name" f))))
    (is (= (re-seq #"\w+" (slurp f)) (m/re-seq #"\w+" (str f))))
    (testing "offsets are UTF-8 byte offsets"
      (let [g (ts/temp-file "é<a>")]
        (is (= [[2 5]] (map (juxt :start :end) (m/matches #"<a>" g))))))))

(deftest first-match-is-lazy-on-a-huge-file
  ;; The file is sparse and new: only what is read enters the page cache, which mincore shows.
  (let [f (ts/temp-file "")
        size (* 5 (bit-shift-left 1 30))
        mib #(quot (* (long (:resident %)) (long (:page-size %))) (* 1024 1024))]
    (with-open [raf (RandomAccessFile. f "rw")]
      (.setLength raf size)
      (.write raf (.getBytes "NEEDLE_1 near the start")))
    (try
      (with-open [mp (m/map-file f)]
        (is (= "NEEDLE_1" (first (m/re-seq #"NEEDLE_\d" mp))))
        (is (< (mib (m/resident mp)) 256) "the rest of the 5 GiB was not read")
        (m/count-matches #"NEEDLE_\d" mp {:to (* 512 1024 1024)})
        (is (>= (mib (m/resident mp)) 500) "while a scan does show up in mincore"))
      (finally (.delete f)))))

(deftest matches-straddling-2-gib
  (let [f (ts/temp-file "")
        edge (bit-shift-left 1 31)]
    (with-open [raf (RandomAccessFile. f "rw")]
      (.setLength raf (+ edge 4096))
      (.seek raf (- edge 3))
      (.write raf (.getBytes "<across>"))
      (.seek raf (+ edge 100))
      (.write raf (.getBytes "<after>")))
    (try
      (with-open [mp (m/map-file f)]
        (is (= [{:match "<across>" :start (- edge 3) :end (+ edge 5)} {:match "<after>" :start (+ edge 100) :end (+ edge 107)}]
               (map #(select-keys % [:match :start :end])
                    (m/matches #"<[a-z]+>" mp {:from (- edge 1000000) :encoding :latin-1}))))
        (is (= ["<across>" "<after>"] (m/re-seq #"<[a-z]+>" mp {:from (- edge 100000)}))))
      (finally (.delete f)))))

(deftest four-gib-in-64-mib-of-heap
  (let [f (ts/temp-file "")
        block (.getBytes ^String (apply str (repeat 20000 "é<tag1> € <b_2>😀 x\n")) "UTF-8")
        per-block 40000
        offsets [0 (* 3 (bit-shift-left 1 29)) (* 6 (bit-shift-left 1 29)) (- (bit-shift-left 1 32) 100)]]
    (with-open [raf (RandomAccessFile. f "rw")]
      (.setLength raf (+ (bit-shift-left 1 32) (* 8 1024 1024)))
      (doseq [o offsets] (.seek raf (long o)) (.write raf ^bytes block)))
    (try
      (let [code (str "(require '[mmap.core :as m])"
                      "(print (m/count-matches #\"<(\\w+)>\" " (pr-str (str f)) ")"
                      " (count (m/re-seq #\"<(\\w+)>\" " (pr-str (str f)) "))"
                      " (count (m/re-seq #\"é<(\\w+)>\" " (pr-str (str f)) " {:threads 2})))")
            {:keys [out err exit]} (ts/run-clojure code :jvm-opts ["-Xmx64m" "--add-modules=jdk.incubator.vector"])]
        (is (zero? exit) err)
        (is (= (str/join " " [(* 4 per-block) (* 4 per-block) (* 2 per-block)]) (str/trim out)) err))
      (finally (.delete f)))))

(defn- went-solo?
  "Whether a parallel count of `re` over `f` gave up its tasks and scanned alone (read from
  ParallelScan's private flag: the public results are the same either way)."
  [re f chunk-size]
  (with-open [mf (mmap.MappedFile/open (.toPath (clojure.java.io/file f)))
              p (mmap.internal.ParallelScan. (mmap.internal.RegexScanner$Spec. (.segment mf) 0 (.size mf) re true)
                                             2 chunk-size nil nil)]
    (.countRemaining p)
    (let [fld (doto (.getDeclaredField mmap.internal.ParallelScan "solo") (.setAccessible true))]
      (.getBoolean fld p))))

(deftest quote-parity-patterns-stay-exact-and-in-step
  ;; "[^"]*" pairs quotes by their count from the start of the text, so a task that starts at a
  ;; line whose quote count before it is odd finds none of the sequence's matches.
  (let [rnd (java.util.Random. 7)
        code (apply str (for [i (range 20000)]
                          (case (.nextInt rnd 6)
                            0 (str "  char q = '\"'; // " i "\n")
                            1 (str "  String s = \"v" i "\" + \"w\";\n")
                            2 "  text = \"\"\"\n"
                            (str "  int x" i " = " (.nextInt rnd 100) ";\n"))))
        f (ts/temp-file code ".java")]
    (doseq [opts [{:threads 2 :chunk-size 4096} {:threads 2 :chunk-size 65536}]]
      (is (= (re-seq #"\"[^\"]*\"" code) (m/re-seq #"\"[^\"]*\"" f opts)) (str opts))
      (is (= (count (re-seq #"\"[^\"]*\"" code)) (m/count-matches #"\"[^\"]*\"" f opts)) (str opts)))
    (is (went-solo? #"\"[^\"]*\"" f 4096) "the tasks kept disagreeing with the sequence, so the reader went on alone")
    (is (not (went-solo? #"x\d+ = \d+" f 4096)) "a pattern whose tasks agree keeps its threads")
    (is (not (went-solo? #"<(.*?)>" (ts/temp-file (apply str (repeat 20000 "<tag a=1> text\n"))) 4096))
        "a pattern that can cross lines keeps its threads on ordinary text")))

(deftest parallel-counts-equal-the-sequence-at-chunk-ends
  ;; After its last match, a task's scanner may have looked at a candidate past its chunk's end
  ;; (the "*" of the comment line just after it) without trying the positions before it, which
  ;; are the next chunk's: the count must go on from where the search after the last match
  ;; starts, not from where the scanner gave up.
  (let [text (apply str (repeat 3000 "    /**\n     * Returns the value.\n     *\n     * @param x the x\n     */\n    int f(int x);\n\n"))
        f (ts/temp-file text)]
    (doseq [re [#"(?m)^\s*\*" #"\s*\*" #"(?m)^\s+\*"] cs [4096 20000 65536]]
      (is (= (count (re-seq re text)) (m/count-matches re f {:threads 2 :chunk-size cs})) [re cs]))))

(deftest a-line-of-hundreds-of-mib-in-little-heap
  ;; One line (NULs, a sparse file) with matches near its start and end. Patterns that the line
  ;; automaton or a literal search confine to lines must not decode such a line whole.
  (let [f (ts/temp-file "")
        size (* 300 1024 1024)]
    (with-open [raf (RandomAccessFile. f "rw")]
      (.setLength raf size)
      (.seek raf 1000) (.write raf (.getBytes "deadbeef x=cafe1234"))
      (.seek raf (- size 100)) (.write raf (.getBytes "0badf00d\n12345678 y=cafe9876")))
    (try
      (let [code (str "(require '[mmap.core :as m])"
                      "(print (m/count-matches #\"[a-f0-9]{8}\" " (pr-str (str f)) ")"
                      " (count (m/re-seq #\"[a-f0-9]{8}\" " (pr-str (str f)) " {:threads 2}))"
                      " (m/count-matches #\"[a-f0-9]{8}\" " (pr-str (str f)) " {:threads 1})"
                      " (vec (m/re-seq #\"cafe\\d+\" " (pr-str (str f)) " {:threads 2 :chunk-size 65536}))"
                      " (m/count-matches #\"[a-f0-9]{8}\" " (pr-str (str f)) " {:threads 2 :chunk-size 65536}))")
            {:keys [out err exit]} (ts/run-clojure code :jvm-opts ["-Xmx64m"])]
        (is (zero? exit) err)
        (is (= "5 5 5 [cafe1234 cafe9876] 5" (str/trim out)) err))
      (finally (.delete f)))))
