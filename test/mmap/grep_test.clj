(ns mmap.grep-test
  "The grep command's output and exit status equal GNU grep 3.8's with -P, flag by flag, on
  a tree with nested folders, a binary file, an empty file, a CRLF file, malformed UTF-8
  and symbolic links; and mmap.core/grep equals the command."
  (:require [clojure.java.io :as io]
            [clojure.java.shell :as sh]
            [clojure.string :as str]
            [clojure.test :refer [deftest is testing]]
            [mmap.core :as m]
            [mmap.grep :as grep]
            [mmap.proc :as proc]
            [mmap.test-support :as ts])
  (:import (java.io ByteArrayOutputStream PrintStream)))

(set! *warn-on-reflection* true)

(defn- ours
  "Runs our grep in this JVM: {:exit :out :err}."
  ([args] (ours args nil))
  ([args ^String stdin]
   (let [out (ByteArrayOutputStream.)
         err (ByteArrayOutputStream.)
         in System/in]
     (try
       (when stdin (System/setIn (java.io.ByteArrayInputStream. (.getBytes stdin "UTF-8"))))
       (let [status (grep/run args out (PrintStream. err true "UTF-8"))]
         {:exit status :out (String. (.toByteArray out) "UTF-8") :err (String. (.toByteArray err) "UTF-8")})
       (finally (System/setIn in))))))

(defn- gnu
  "GNU grep with -P, or with -F when the arguments have it (GNU takes only one matcher)."
  [args & [stdin]]
  (let [fixed? (some #{"-F"} args)]
    (apply sh/sh "grep" (if fixed? "-F" "-P") (concat (remove #{"-F"} args)
                                                     [:env {"LC_ALL" "C.UTF-8" "PATH" (System/getenv "PATH")}]
                                                     (when stdin [:in stdin])))))

(defn- file-of
  "The file a line of output belongs to, when it is prefixed with one of `files`."
  [line files]
  (some #(when (or (str/starts-with? line (str % ":")) (str/starts-with? line (str % "-"))
                   (= line %) (str/starts-with? line (str "\033[35m\033[K" %)))
           %)
        files))

(defn- by-file
  "Output lines grouped by file, keeping each file's lines in order: GNU grep walks a tree
  in directory order, ours in sorted path order. A \"--\" between two files' groups belongs
  to neither; one between groups of the same file stays."
  [out files]
  (let [lines (str/split-lines out)
        owner (mapv #(file-of % files) lines)]
    (reduce (fn [m i]
              (let [line (lines i)
                    sep? (re-matches #"(\033\[36m\033\[K)?--(\033\[m\033\[K)?" line)
                    f (if sep?
                        (let [before (some owner (reverse (range i)))
                              after (some owner (range (inc i) (count lines)))]
                          (when (= before after) before))
                        (owner i))]
                (if (or f (not sep?)) (update m f (fnil conj []) line) m)))
            {} (range (count lines)))))

(defn- comparable
  "Output grouped by file; lines of no known file (with -h) are compared as a sorted bag."
  [out files]
  (update (by-file out files) nil #(some-> % sort vec)))

(defn- same? [args files & [stdin]]
  (let [g (gnu args stdin)
        o (ours args stdin)
        sorted-err #(sort (str/split-lines %))]
    (and (is (= (:exit g) (:exit o)) (str "exit status " (pr-str args)))
         (is (= (comparable (:out g) files) (comparable (:out o) files)) (str "output " (pr-str args)))
         (is (= (sorted-err (:err g)) (sorted-err (:err o))) (str "messages " (pr-str args))))))

(defn- make-tree
  "A tree with nested folders, a binary file, an empty file, a CRLF file, a file with
  malformed UTF-8, and symbolic links to a file, to a folder and to nothing. Returns its path."
  []
  (let [root (io/file (ts/temp-dir) "tree")
        put (fn [rel content]
              (let [f (io/file root rel)]
                (io/make-parents f)
                (if (string? content) (spit f content) (io/copy ^bytes content f))))]
    (put "a.txt" "hello world\nfoo bar\nhello again\n\nsay hello now\nhelloworld\nend, no newline")
    (put "sub/b.log" "another hello\nZQ_NEEDLE_17 here\n<tag>x</tag>\nHELLO loud\n")
    (put "sub/deep/c.txt" "crlf hello\r\nfoo\r\nbar foo\r\n")
    (put "sub/deep/d.md" (str/join "\n" (map #(str "line " % (when (zero? (mod % 7)) " hello")) (range 1 60))))
    (put "bin/data.bin" (.getBytes "x hello\u0000binary\nmore hello\n" "UTF-8"))
    (put "latin.txt" (byte-array (map unchecked-byte (concat (.getBytes "ok hello\ncaf" "UTF-8") [0xe9] (.getBytes " hello\nlast hello\n" "UTF-8")))))
    (put "empty.txt" "")
    (put "ctx.txt" (str/join "\n" ["l1" "match a" "l3" "l4" "l5" "match b" "l7" "l8" "l9" "l10" "l11" "match c" "l13" ""]))
    (io/make-parents (io/file root "links/x"))
    (sh/sh "ln" "-s" "../a.txt" (str (io/file root "links/file-link.txt")))
    (sh/sh "ln" "-s" "../sub" (str (io/file root "links/dir-link")))
    ;; -R reports a link that leads nowhere as an error (exit 2); -r skips it
    (sh/sh "ln" "-s" "../no-such-file" (str (io/file root "links/dangling")))
    (str root)))

(defn- tree-files [root]
  (let [rel ["a.txt" "sub/b.log" "sub/deep/c.txt" "sub/deep/d.md" "bin/data.bin" "latin.txt" "empty.txt" "ctx.txt"
             "links/file-link.txt" "links/dir-link/b.log" "links/dir-link/deep/c.txt" "links/dir-link/deep/d.md"]]
    (concat (map #(str root "/" %) rel) rel (map #(str "./" %) rel))))

(deftest same-as-gnu-grep-on-a-tree
  (if-not (ts/sh-ok? "grep" "-P" "x" "/dev/null" "--version")
    (ts/skip! "GNU grep with -P is not installed")
    (let [root (make-tree)
          files (tree-files root)
          f #(str root "/" %)]
      (doseq [args [["hello" (f "a.txt")] ["-c" "hello" (f "a.txt") (f "empty.txt")] ["-o" "-b" "h\\w+" (f "a.txt")]
                    ["-n" "-b" "hello" (f "a.txt")] ["-i" "HELLO" (f "sub/b.log")] ["-m" "1" "hello" (f "a.txt")]
                    ["-m1" "-c" "o" (f "a.txt")] ["-m" "-1" "hello" (f "a.txt")] ["zzz" (f "a.txt")]
                    ["-v" "hello" (f "a.txt")] ["-vn" "o" (f "a.txt")] ["-w" "hello" (f "a.txt")] ["-x" "hello world" (f "a.txt")]
                    ["-wo" "foo" (f "sub/deep/c.txt")] ["foo$" (f "sub/deep/c.txt")] ["-c" "foo.$" (f "sub/deep/c.txt")]
                    ["-l" "hello" (f "a.txt") (f "empty.txt") (f "bin/data.bin")]
                    ["-L" "hello" (f "a.txt") (f "empty.txt") (f "ctx.txt")]
                    ["-H" "foo" (f "a.txt")] ["-h" "hello" (f "a.txt") (f "sub/b.log")]
                    ["-A1" "match" (f "ctx.txt")] ["-B2" "match" (f "ctx.txt")] ["-C1" "-n" "match" (f "ctx.txt") (f "a.txt")]
                    ["-A1" "match" (f "ctx.txt") (f "ctx.txt")] ["-m1" "-A2" "match" (f "ctx.txt")] ["-C" "1" "-v" "l" (f "ctx.txt")]
                    ["-e" "hello" (f "a.txt")] ["-F" "<tag>" (f "sub/b.log")] ["-F" "-c" "." (f "a.txt")]
                    ["--color=always" "hello" (f "a.txt") (f "sub/b.log")] ["--color=always" "-n" "-C1" "match" (f "ctx.txt")]
                    ["--color=always" "-nbo" "hel+o" (f "a.txt")] ["--color=never" "hello" (f "a.txt")] ["--color=auto" "-c" "o" (f "a.txt")]
                    ["hello" (f "bin/data.bin")] ["-c" "hello" (f "bin/data.bin")] ["-o" "hello" (f "bin/data.bin")]
                    ["hello" (f "latin.txt")] ["-n" "hello" (f "latin.txt")] ["-c" "hello" (f "latin.txt")]
                    ["hello" (f "sub")] ["hello" (f "missing") (f "a.txt")] ["-s" "hello" (f "missing") (f "a.txt")]
                    ["-q" "hello" (f "missing") (f "a.txt")] ["-q" "zzz" (f "a.txt")]
                    ["hello" "/dev/null" (f "a.txt")] ["Linux" "/proc/version" "/dev/null"]
                    ["-r" "hello" root] ["-rn" "hello" root] ["-rc" "hello" root] ["-rl" "hello" root] ["-rL" "hello" root]
                    ["-rh" "hello" root] ["-rH" "hello" (f "a.txt")] ["-R" "hello" root] ["-ro" "h.l+o" root]
                    ["-r" "--include=*.txt" "hello" root] ["-r" "--exclude=*.txt" "hello" root]
                    ["-r" "--include=*.log" "--include" "*.md" "hello" root] ["-r" "--exclude=a*" "--include=*.txt" "hello" root]
                    ["-r" "hello" (f "links/file-link.txt") (f "links/dir-link")] ["-r" "-A1" "-n" "match|hello" root]
                    ["-rv" "l" root] ["-rw" "hello" root] ["-rx" "hello" root] ["-r" "-m1" "hello" root]
                    ["--include=*.log" "hello" (f "a.txt") (f "sub/b.log")] ["--exclude=*.txt" "hello" (f "a.txt") (f "sub/b.log")]]]
        (testing (pr-str args) (same? args files)))
      (testing "standard input"
        (same? ["hello"] files "a hello\nno\nhello b\n")
        (same? ["-H" "-n" "hello" "-"] files "a hello\nno\nhello b\n")
        (same? ["-c" "hello" "-" (f "a.txt")] files "a hello\n"))
      (testing "grep -r with no operand searches the working directory, naming files without ./"
        (let [g (sh/sh "grep" "-P" "-r" "hello" :dir root :env {"LC_ALL" "C.UTF-8" "PATH" (System/getenv "PATH")})
              o (ts/run-clojure "(require 'mmap.grep) (System/exit (mmap.grep/run [\"-r\" \"hello\"] System/out System/err))"
                                :dir root)]
          (is (= (:exit g) (:exit o)))
          (is (= (by-file (:out g) files) (by-file (:out o) files))))))))

(deftest several-patterns-are-alternatives
  ;; GNU grep -P takes one pattern only; ours takes several, as grep -E does.
  (let [f (str (ts/temp-file "alpha\nbeta\ngamma\n"))]
    (is (= {:exit 0 :out "alpha\ngamma\n" :err ""} (ours ["-e" "alpha" "-e" "gam+a" f])))
    (is (= {:exit 0 :out "2\n" :err ""} (ours ["-c" "-F" "-e" "ph" "-e" "mm" f])))))

(deftest a-regex-that-overflows-is-an-error-and-later-files-are-searched
  (let [deep (ts/temp-file (str (apply str (repeat 200000 "ab")) "c\n"))
        plain (ts/temp-file "ab hello\n")
        ;; The lookbehind keeps the line automaton from deciding the line: java.util.regex must.
        {:keys [exit out err]} (ours ["(a|b)*(?<=b)c|hello" (str deep) (str plain)])]
    (is (= 2 exit) "an error")
    (is (str/includes? err (str deep)) err)
    (is (str/includes? out (str plain ":ab hello")) "the file after it was searched")
    (testing "a line the automaton decides needs no engine, and matches as in GNU grep -P"
      (is (= {:exit 0 :out (str deep ":1\n" plain ":1\n") :err ""} (ours ["-c" "(a|b)*c|hello" (str deep) (str plain)]))))))

(deftest usage-errors-exit-2
  (is (= 2 (:exit (ours []))))
  (is (= 2 (:exit (ours ["-Q" "x" "f"]))))
  (is (= 2 (:exit (ours ["(" "deps.edn"]))))
  (is (= 2 (:exit (ours ["-A" "x" "hello" "deps.edn"]))))
  (is (= 2 (:exit (ours ["--color=sometimes" "x" "deps.edn"])))))

(deftest core-grep-equals-the-command
  (let [root (make-tree)
        ;; (The command leaves out lines with malformed UTF-8, as GNU grep does; grep gives them decoded.)
        cmd (ours ["-rn" "--exclude=*.bin" "--exclude=latin.txt" "hello" root])
        expected (->> (str/split (:out cmd) #"\n")
                      (map #(let [[_ path n line] (re-matches #"(?s)(.*?):(\d+):(.*)" %)] [path (parse-long n) line]))
                      sort)
        api (fn [lines] (sort (map (juxt :path :line-number :line) lines)))]
    (is (= expected (api (m/grep #"hello" root {:exclude ["*.bin" "latin.txt"]}))))
    (is (= expected (api (into [] (m/grep-reducible #"hello" [root] {:exclude ["*.bin" "latin.txt"]})))))
    (testing "offsets and matches"
      (let [[first-line] (m/grep #"h(el)lo" (str root "/a.txt"))]
        (is (= {:path (str root "/a.txt") :line-number 1 :byte-offset 0 :line "hello world"
                :matches [{:match "hello" :start 0 :end 5}]}
               first-line))))
    (testing "lazy, and limited by take"
      (is (= 2 (count (take 2 (m/grep #"hello" root))))))
    (testing "binary files are skipped unless asked for"
      (is (not-any? #(str/ends-with? (:path %) ".bin") (m/grep #"hello" root)))
      (is (some #(str/ends-with? (:path %) ".bin") (m/grep #"hello" root {:binary :text}))))
    (testing "inverted, with a limit"
      (is (= 3 (count (m/grep #"hello" (str root "/a.txt") {:invert? true :max-count 3})))))))

(defn- compare-paths
  "Path order: component by component, each compared as a string."
  [a b]
  (loop [[x & xs] (str/split a #"/") [y & ys] (str/split b #"/")]
    (cond (and (nil? x) (nil? y)) 0
          (nil? x) -1
          (nil? y) 1
          :else (let [c (compare x y)] (if (zero? c) (recur xs ys) c)))))

(deftest files-come-in-sorted-path-order
  ;; Each folder's entries in order of their names, a folder's files where its name falls.
  (let [root (make-tree)
        listed (str/split-lines (:out (ours ["-rl" "hello" root])))]
    (is (< 3 (count listed)) listed)
    (is (= (sort compare-paths listed) listed))))

(deftest the-launcher-runs-the-command-without-warnings
  (let [root (make-tree)
        launch #(sh/sh "bin/mmgrep" "-rn" "hello" root)
        _ (launch)                       ; may build target/mmgrep first, saying so on stderr
        {:keys [exit out err]} (launch)
        in-process (ours ["-rn" "hello" root])]
    (is (= 0 exit))
    (is (= (:err in-process) err) "only grep's own messages: no incubator or class-archive warnings")
    (is (not (str/includes? err "WARNING")))
    (is (= (:out in-process) out))))

(defn- maps-of
  "How many of this process's mappings (/proc/self/maps) are of file `f`."
  [^java.io.File f]
  (count (filter #(= (.getCanonicalPath f) (:path %)) (proc/maps))))

(deftest file-bytes-reads-up-to-its-limit-and-maps-beyond
  ;; The grep command reads files up to a thread's share of the heap and maps only larger ones.
  (let [small (ts/temp-file (apply str (repeat 100 "a")))
        large (ts/temp-file (apply str (repeat 10000 "b\n")))
        reader (mmap.FileBytes$Reader. 4096)]
    (with-open [fb (.open reader (str small) true)]
      (let [seg (.segment fb)]
        (is (not (.isNative seg)) "read into the reader's array")
        (is (= 100 (.byteSize seg)))
        (is (= (seq (ts/file-bytes small)) (seq (.toArray seg java.lang.foreign.ValueLayout/JAVA_BYTE))))
        (is (zero? (maps-of small)))))
    (let [fb (.open reader (str large) true)
          seg (.segment fb)]
      (is (.isNative seg) "mapped")
      (is (= 1 (maps-of large)) "the kernel shows the mapping")
      (is (= (seq (ts/file-bytes large)) (seq (.toArray seg java.lang.foreign.ValueLayout/JAVA_BYTE))))
      (.close fb)
      (is (zero? (maps-of large)) "closing unmaps it"))
    (with-open [fb (.open (mmap.FileBytes$Reader.) (str large) true)]
      (is (not (.isNative (.segment fb))) "the default reader reads files up to 1 MiB"))
    (is (thrown-with-msg? IllegalArgumentException #"readLimit must be 0 or more, not -1" (mmap.FileBytes$Reader. -1)))))
