(ns mmap.grep
  "The grep command: `bin/mmgrep [OPTION]... PATTERN [FILE]...` (or `bin/clojure -M:grep`).

  Output and exit status follow GNU grep 3.8 with -P for the options below (0 when a line
  was selected, 1 when none was, 2 on an error): the pattern is a java.util.regex pattern,
  matched against each line decoded as UTF-8. Files are searched in parallel and printed in
  sorted path order; small files are read, larger ones mapped.

    -e PATTERN   a pattern (repeatable: a line is selected when any matches)
    -F           patterns are fixed strings      -i  ignore case
    -w -x        match whole words / lines       -v  select non-matching lines
    -c           count selected lines            -o  print only the matches
    -l -L        list files with / without a selected line
    -n -b        line numbers / byte offsets     -H -h  with / without file names
    -m NUM       stop after NUM selected lines   -q  print nothing
    -A -B -C NUM context after / before / around each selected line
    -r -R        search directories (-R also follows symbolic links)
    -s           no messages about unreadable files
    --include=GLOB --exclude=GLOB                --color[=never|always|auto]"
  (:require [clojure.string :as str]
            [mmap.impl.files :as files])
  (:import (java.io BufferedOutputStream ByteArrayOutputStream File FileInputStream OutputStream PrintStream)
           (java.lang.foreign MemorySegment)
           (java.nio.channels FileChannel)
           (java.nio.file Files LinkOption NoSuchFileException Path StandardOpenOption)
           (java.nio.file.attribute BasicFileAttributes)
           (java.util.concurrent ExecutorService Executors Future)
           (java.util.regex Pattern PatternSyntaxException)
           (mmap ErrnoException MappedFile)
           (mmap.internal LineGrep LineGrep$Options LineGrep$Result LineGrep$Shared)))

(set! *warn-on-reflection* true)

(def usage "Usage: grep [OPTION]... PATTERNS [FILE]...")

;; ---- arguments ---------------------------------------------------------------------

(def ^:private flag-letters (set "cobniFlLvwxHhqsrRP"))
(def ^:private value-letters {\m :max-count \A :after \B :before \C :context \e :pattern})

(defn- parse-number [opt s]
  (if-let [n (some-> s parse-long)]
    n
    (throw (ex-info (str "invalid " (case opt :max-count "max count" "context length") " argument " (pr-str s)) {:usage true}))))

(defn- add-value [opts k v]
  (case k
    :pattern (update opts :patterns (fnil conj []) v)
    :context (let [n (parse-number k v)] (assoc opts :before n :after n))
    (assoc opts k (parse-number k v))))

(defn parse-args
  "The options, patterns and files of a command line, or {:error msg}. Options may follow
  the files, as with GNU getopt; `--` ends them."
  [args]
  (try
    (loop [[a & more] args opts {:flags #{}} operands []]
      (cond
        (nil? a)
        (let [[pattern & files] (if (:patterns opts) (cons nil operands) operands)]
          (cond (and (nil? (:patterns opts)) (nil? pattern)) {:error usage}
                :else (assoc opts :patterns (or (:patterns opts) [pattern]) :files (vec files))))

        (= a "--") (recur nil opts (into operands more))
        (or (= a "-") (not (str/starts-with? a "-"))) (recur more opts (conj operands a))

        (str/starts-with? a "--")
        (let [[_ name value] (re-matches #"--([^=]+)(?:=(.*))?" a)]
          (case name
            ("color" "colour") (let [v (or value "auto")]
                                 (if (#{"never" "always" "auto"} v)
                                   (recur more (assoc opts :color v) operands)
                                   {:error (str "invalid argument " (pr-str v) " for '--color'")}))
            ("include" "exclude")
            (let [[v more] (if value [value more] [(first more) (rest more)])]
              (if v
                (recur more (update opts :globs (fnil conj []) [(keyword name) v]) operands)
                {:error (str "option '--" name "' requires an argument\n" usage)}))
            ("recursive") (recur more (update opts :flags conj \r) operands)
            ("dereference-recursive") (recur more (update opts :flags conj \R) operands)
            ("count") (recur more (update opts :flags conj \c) operands)
            ("invert-match") (recur more (update opts :flags conj \v) operands)
            ("ignore-case") (recur more (update opts :flags conj \i) operands)
            ("max-count" "after-context" "before-context" "context" "regexp")
            (let [[v more] (if value [value more] [(first more) (rest more)])
                  k ({"max-count" :max-count "after-context" :after "before-context" :before
                      "context" :context "regexp" :pattern} name)]
              (recur more (add-value opts k v) operands))
            {:error (str "unrecognized option '" a "'\n" usage)}))

        :else
        (let [s (subs a 1)]
          (if (and (re-matches #"\d+" s))
            (recur more (add-value opts :context s) operands)   ; -NUM is -C NUM
            (let [[opts more]
                  (loop [i 0 opts opts more more]
                    (if (>= i (count s))
                      [opts more]
                      (let [c (.charAt s i)]
                        (cond
                          (flag-letters c) (recur (inc i) (update opts :flags conj c) more)
                          (value-letters c) (let [rest-of (subs s (inc i))]
                                              (if (seq rest-of)
                                                [(add-value opts (value-letters c) rest-of) more]
                                                (if-let [v (first more)]
                                                  [(add-value opts (value-letters c) v) (rest more)]
                                                  (throw (ex-info (str "option requires an argument -- '" c "'\n" usage) {:usage true})))))
                          :else (throw (ex-info (str "invalid option -- '" c "'\n" usage) {:usage true}))))))]
              (recur more opts operands))))))
    (catch clojure.lang.ExceptionInfo e
      {:error (ex-message e)})))

(defn compile-pattern
  "The one Pattern for the command's patterns and flags: each fixed (-F) or a regex,
  joined as alternatives, wrapped for -w or -x, with UNIX_LINES so that a \\r is an
  ordinary character to `$` and `.`, as in PCRE; -i folds case as Unicode does."
  ^Pattern [{:keys [patterns flags]}]
  (let [parts (for [p patterns] (if (flags \F) (Pattern/quote p) p))
        joined (if (= 1 (count parts)) (first parts) (str/join "|" (map #(str "(?:" % ")") parts)))
        wrapped (cond (flags \x) (str "^(?:" joined ")$")
                      (flags \w) (str "(?<!\\w)(?:" joined ")(?!\\w)")
                      :else joined)]
    (Pattern/compile wrapped (cond-> Pattern/UNIX_LINES
                               (flags \i) (bit-or Pattern/CASE_INSENSITIVE Pattern/UNICODE_CASE)))))

(defn- operands->files
  "[label path] pairs for the operands, what recursion finds in sorted path order; a nil
  path means standard input. `grep -r PAT` with no operand searches \".\" and names files
  without \"./\", as GNU grep does."
  [{:keys [files flags globs]}]
  (let [recursive? (or (flags \r) (flags \R))
        globs (mapv (fn [[k g]] [k (files/glob->regex g)]) globs)
        under (fn [dir] (files/walk dir (boolean (flags \R)) globs))]
    (cond
      (and (empty? files) recursive?) (vec (map (fn [[l p]] [(subs l 2) p]) (under ".")))
      (empty? files) [["(standard input)" nil]]
      :else (vec (mapcat (fn [^String f]
                           (cond
                             (= f "-") [["(standard input)" nil]]
                             (and recursive? (.isDirectory (File. f))) (under f)
                             (files/included? globs f true) [[f f]]
                             :else []))
                         files)))))

;; ---- searching one file -----------------------------------------------------------

(def ^:private small-file
  "Files up to this size are read into memory rather than mapped: cheaper to open and close
  (see bench/RESULTS.md, the :tree suite)."
  (* 1024 1024))

(defn- read-fully
  "The file's bytes. A file that says it is empty is read to its end anyway: /proc files
  have no size but do have contents."
  ^bytes [^Path p]
  (with-open [ch (FileChannel/open p (into-array StandardOpenOption [StandardOpenOption/READ]))]
    (let [n (.size ch)]
      (if (zero? n)
        (.readAllBytes (java.nio.channels.Channels/newInputStream ch))
        (let [buf (java.nio.ByteBuffer/allocate (int n))]
          (while (and (.hasRemaining buf) (pos? (.read ch buf))))
          (java.util.Arrays/copyOf (.array buf) (.position buf)))))))

(defn- read-stream ^bytes [^String path]
  (with-open [in (FileInputStream. path)] (.readAllBytes in)))

(defn- errno-text
  "What GNU grep says of a failed file: strerror's text."
  [^Throwable e]
  (cond (instance? ErrnoException e) (mmap.posix.Errno/describe (.errno ^ErrnoException e))
        (instance? NoSuchFileException e) "No such file or directory"
        (instance? java.nio.file.AccessDeniedException e) "Permission denied"
        (instance? java.nio.file.FileSystemException e) (or (.getReason ^java.nio.file.FileSystemException e) (str e))
        :else (or (ex-message e) (str e))))

(defn- search
  "Greps one file (or standard input for a nil path), writing to `out`; returns
  {:selected n :errors [msg] :binary? b}."
  [^Pattern re ^LineGrep$Options o ^String label ^String path show-name? ^OutputStream out ^LineGrep$Shared shared]
  (let [run (fn [^MemorySegment seg]
              (let [^LineGrep$Result r (LineGrep/grep seg re o (when show-name? label) out shared)]
                {:selected (.selected r) :binary? (.binaryMessage r)}))]
    (try
      (if (nil? path)
        (run (MemorySegment/ofArray ^bytes (.readAllBytes ^java.io.InputStream System/in)))
        (let [p (Path/of path (make-array String 0))
              attrs (Files/readAttributes p BasicFileAttributes ^"[Ljava.nio.file.LinkOption;" (make-array LinkOption 0))]
          (cond
            (.isDirectory attrs) {:selected 0 :errors [(str label ": Is a directory")]}
            (and (.isRegularFile attrs) (<= (.size attrs) small-file))
            (run (MemorySegment/ofArray ^bytes (read-fully p)))
            (.isRegularFile attrs)
            (with-open [mf (MappedFile/open p (.keepDescriptor (MappedFile/options) false))]
              (run (.segment mf)))
            ;; FIFOs, devices, /proc files: read what they give.
            :else (run (MemorySegment/ofArray (read-stream path))))))
      (catch StackOverflowError _
        {:selected 0 :errors [(str label ": the pattern overflowed the regex engine's stack on a line; try a simpler pattern")]})
      (catch Exception e
        {:selected 0 :errors [(str label ": " (errno-text e))]}))))

(defn- line-options ^LineGrep$Options [{:keys [flags max-count before after]} color?]
  (let [o (LineGrep$Options.)]
    (set! (.invert o) (boolean (flags \v)))
    (set! (.count o) (boolean (flags \c)))
    (set! (.onlyMatching o) (boolean (flags \o)))
    (set! (.listMatching o) (boolean (flags \l)))
    (set! (.listNonMatching o) (boolean (flags \L)))
    (set! (.quiet o) (boolean (flags \q)))
    (set! (.lineNumber o) (boolean (flags \n)))
    (set! (.byteOffset o) (boolean (flags \b)))
    (set! (.color o) (boolean color?))
    (set! (.maxCount o) (long (if (and max-count (>= max-count 0)) max-count -1)))
    (set! (.before o) (int (or before 0)))
    (set! (.after o) (int (or after 0)))
    o))

(defn- color? [{:keys [color]}]
  (case (or color "never")
    "always" true
    "never" false
    "auto" (boolean (some-> (System/console) (.isTerminal)))))

(defn run
  "Runs grep with `args`, writing to `out` and errors to `err` (a PrintStream); returns the
  exit status."
  [args ^OutputStream out ^PrintStream err]
  (let [{:keys [error flags] :as opts} (parse-args args)
        fail (fn [msg] (.println err (str "grep: " msg)) 2)]
    (if error
      (fail error)
      (let [re (try (compile-pattern opts) (catch PatternSyntaxException e (fail (.getMessage e)) nil))]
        (if-not re
          2
          (let [files (operands->files opts)
                show-name? (cond (flags \h) false
                                 (flags \H) true
                                 :else (or (> (count (:files opts)) 1)
                                           (and (or (flags \r) (flags \R))
                                                (some #(.isDirectory (File. ^String %)) (or (seq (:files opts)) ["."])))))
                o (line-options opts (color? opts))
                shared (LineGrep$Shared.)
                threads (.availableProcessors (Runtime/getRuntime))
                pool (Executors/newFixedThreadPool threads)
                quiet? (flags \q)
                context-groups? (and (or (pos? (.before o)) (pos? (.after o)))
                                     (not-any? flags [\c \l \L \q \o]))
                task (fn [[label path]]
                       (let [buf (ByteArrayOutputStream.)
                             ;; Each task's "--" separators are worked out again when its output is written in order.
                             r (search re o label path show-name? buf (LineGrep$Shared.))]
                         (assoc r :out buf)))]
            (try
              (let [results
                    (loop [pending (clojure.lang.PersistentQueue/EMPTY) todo files acc []]
                      (cond
                        (and (seq todo) (< (count pending) (* 4 threads)))
                        (let [f (first todo)]
                          (recur (conj pending (.submit ^ExecutorService pool ^Callable #(task f))) (rest todo) acc))
                        (empty? pending) acc
                        :else
                        (let [r (.get ^Future (peek pending))
                              ^ByteArrayOutputStream b (:out r)]
                          (when (and (pos? (.size b)) (.printed shared) context-groups?)
                            ;; Context groups of different files are separated by "--", as in GNU grep.
                            (.write out (.getBytes (if (.color o) "\033[36m\033[K--\033[m\033[K\n" "--\n"))))
                          (.writeTo b out)
                          (when (pos? (.size b)) (set! (.printed shared) true))
                          (when-not (flags \s) (doseq [e (:errors r)] (.println err (str "grep: " e))))
                          (when (:binary? r) (.println err (str "grep: " (first (nth files (count acc))) ": binary file matches")))
                          (.flush out)
                          (let [acc (conj acc r)]
                            (if (and quiet? (pos? (:selected r 0)))
                              (conj acc r)
                              (recur (pop pending) todo acc))))))]
                (.flush out)
                (cond (and quiet? (some #(pos? (:selected % 0)) results)) 0
                      (some :errors results) 2
                      (some #(pos? (:selected % 0)) results) 0
                      :else 1))
              (finally (.shutdownNow pool)))))))))

(defn -main [& args]
  (let [out (BufferedOutputStream. System/out (* 64 1024))
        status (run (or args []) out System/err)]
    (.flush out)
    (shutdown-agents)
    (System/exit status)))
