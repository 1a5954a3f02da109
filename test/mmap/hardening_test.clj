(ns mmap.hardening-test
  "Tried as a hostile or careless user would: races, truncation under JIT-compiled loops,
  abandoned seqs, resource limits. Anything that could crash runs in a child JVM, and the
  test asserts that no crash report (hs_err) appears."
  (:require [clojure.java.io :as io]
            [clojure.java.shell :as sh]
            [clojure.string :as str]
            [clojure.test :refer [deftest is testing]]
            [mmap.core :as m]
            [mmap.proc :as proc]
            [mmap.raw :as raw]
            [mmap.test-support :as ts])
  (:import (java.util.concurrent Executor)
           (java.util.concurrent.atomic AtomicInteger)
           (mmap.internal ParallelScan RegexScanner$Spec)))

(set! *warn-on-reflection* true)

(defn- no-crash [{:keys [crashes out err]}]
  (is (empty? crashes) (str "the child JVM crashed:\n" (first crashes) "\n" out err)))

(def ^:private truncation-code
  "Child-JVM code: for each access path, map a 2 MB file, warm the path up until the JIT has
  compiled it, truncate the file with truncate(1), run the path again; print what it threw."
  "(require '[mmap.core :as m] '[clojure.java.shell :as sh])
   (def text (apply str (repeat 60000 \"a line with é and ZQ_NEEDLE_1 \\n\")))
   (defn classify [f] (try (f) :no-error
                         (catch clojure.lang.ExceptionInfo e (or (:mmap/error (ex-data e)) :ex-info-without-kind))
                         (catch Throwable t (str \"RAW \" (.getName (class t)) \" \" (.getMessage t)))))
   (def paths
     [[:nth (fn [mp] (loop [i 0 acc 0] (if (< i (m/size mp)) (recur (inc i) (+ acc (long (nth mp i)))) acc)))]
      [:reduce (fn [mp] (reduce + 0 mp))]
      [:seq (fn [mp] (count (seq mp)))]
      [:bytes (fn [mp] (alength (m/bytes mp)))]
      [:index-of-short (fn [mp] (m/index-of mp \"absent!\"))]
      [:index-of-long (fn [mp] (m/index-of mp (apply str (repeat 80 \"x\"))))]
      [:lines (fn [mp] (count (m/lines mp)))]
      [:regex-utf8 (fn [mp] (m/count-matches #\"é and \\w+\" mp {:threads 1}))]
      [:regex-latin1 (fn [mp] (m/count-matches #\"and \\w+\" mp {:encoding :latin-1 :threads 1}))]
      [:re-seq-parallel (fn [mp] (count (m/re-seq #\"\\w+é\" mp {:threads 2 :chunk-size 65536})))]
      [:literal-prefilter (fn [mp] (m/count-matches #\"ZQ_NEEDLE_\\d\" mp {:threads 1}))]
      [:get-long (fn [mp] (loop [i 0 acc 0] (if (<= (+ i 8) (m/size mp)) (recur (+ i 8) (bit-xor acc (m/get-long mp i))) acc)))]
      [:view-sum (fn [mp] (reduce + (m/view mp :uint8)))]
      [:view-conj (fn [mp] (count (reduce conj [] (m/view mp :int32))))]
      [:view-nth (fn [mp] (let [v (m/view mp :uint16)] (loop [i 0 acc 0] (if (< i (count v)) (recur (inc i) (+ acc (long (nth v i)))) acc))))]])
   (doseq [[k f] paths]
     (let [file (java.io.File/createTempFile \"trunc\" \".txt\")]
       (spit file text)
       (with-open [mp (m/map-file file)]
         (dotimes [_ 25] (f mp))
         (sh/sh \"truncate\" \"-s\" \"4097\" (str file))
         (println k (classify #(f mp))))
       (.delete file)))
   ;; Truncated while a compiled nth loop runs.
   (let [file (java.io.File/createTempFile \"trunc\" \".txt\")]
     (spit file text)
     (with-open [mp (m/map-file file)]
       (let [loop-fn (fn [] (loop [r 0] (when (< r 1000) (loop [i 0 acc 0] (if (< i (m/size mp)) (recur (inc i) (+ acc (long (nth mp i)))) acc)) (recur (inc r)))))
             _ (dotimes [_ 5] (loop [i 0 acc 0] (if (< i (m/size mp)) (recur (inc i) (+ acc (long (nth mp i)))) acc)))
             fut (future (classify loop-fn))]
         (Thread/sleep 200)
         (sh/sh \"truncate\" \"-s\" \"4097\" (str file))
         (println :nth-during (deref fut 60000 :hung))))
     (.delete file))
   (shutdown-agents)")

(deftest truncation-under-every-access-path-is-an-exception
  (if-not (ts/sh-ok? "truncate" "--version")
    (ts/skip! "truncate(1) is missing")
    (let [{:keys [out err exit] :as r} (ts/run-clojure-watched truncation-code)]
      (no-crash r)
      (is (zero? exit) err)
      (doseq [k [:nth :reduce :seq :bytes :index-of-short :index-of-long :lines :regex-utf8 :regex-latin1
                 :re-seq-parallel :literal-prefilter :get-long :view-sum :view-conj :view-nth :nth-during]]
        (is (str/includes? out (str k " :truncated")) (str k " in:\n" out err))))))

(def ^:private atomic-truncation-code
  "Child-JVM code: atomics on the last page of a :read-write file that truncate(1) cuts off.
  Run interpreted (-Xint) too: the interpreter's atomic instructions have no SIGBUS cover."
  "(require '[mmap.core :as m] '[clojure.java.shell :as sh])
   (defn classify [f] (try (f) :no-error
                         (catch clojure.lang.ExceptionInfo e (or (:mmap/error (ex-data e)) :ex-info-without-kind))
                         (catch Throwable t (str \"RAW \" (.getName (class t)) \" \" (.getMessage t)))))
   (doseq [[k f] [[:get-and-add-long #(m/get-and-add-long! % (- (m/size %) 8) 1)]
                  [:compare-and-set-int #(m/compare-and-set-int! % (- (m/size %) 4) 0 0)]
                  [:get-long-volatile #(m/get-long-volatile % (- (m/size %) 8))]]]
     (let [file (java.io.File/createTempFile \"trunc\" \".bin\")]
       (spit file (apply str (repeat (* 2 1024 1024) \"x\")))
       (with-open [mp (m/map-file file {:mode :read-write})]
         (dotimes [_ 2000] (f mp))
         (sh/sh \"truncate\" \"-s\" \"4097\" (str file))
         (println k (classify #(f mp))))
       (.delete file)))
   (shutdown-agents)")

(deftest truncation-under-atomics-is-an-exception-even-interpreted
  (if-not (ts/sh-ok? "truncate" "--version")
    (ts/skip! "truncate(1) is missing")
    (doseq [opts [[] ["-Xint"]]]
      (testing (pr-str opts)
        (let [{:keys [out err exit] :as r} (ts/run-clojure-watched atomic-truncation-code :jvm-opts opts)]
          (no-crash r)
          (is (zero? exit) err)
          (doseq [k [:get-and-add-long :compare-and-set-int :get-long-volatile]]
            (is (str/includes? out (str k " :truncated")) (str k " in:\n" out err))))))))

(deftest protect-racing-readers-and-writers
  (let [r (ts/run-clojure-watched
           "(require '[mmap.core :as m])
            (def f (java.io.File/createTempFile \"prot\" \".bin\"))
            (spit f (apply str (repeat 1000000 \"0123456789\")))
            (def mp (m/map-file f {:mode :read-write}))
            (def stop (atom false))
            (def unexpected (atom []))
            (defn guard [g] (try (g) 1 (catch clojure.lang.ExceptionInfo e
                                         (when-not (#{:illegal-state} (:mmap/error (ex-data e))) (swap! unexpected conj e)) 0)
                                       (catch Throwable t (swap! unexpected conj t) 0)))
            (def workers
              [(future (loop [n 0] (if @stop n (recur (+ n (guard #(reduce + 0 mp)))))))
               (future (loop [n 0] (if @stop n (recur (+ n (guard #(m/write! mp 100 \"x\")))))))
               (future (loop [n 0] (if @stop n (recur (+ n (guard #(nth mp 5000000)))))))
               (future (loop [n 0] (if @stop n (recur (+ n (guard #(m/count-matches #\"789\" mp {:threads 1}))))))) ])
            (dotimes [i 400] (m/protect! mp (nth [#{:none} #{:read} #{:read :write}] (mod i 3))) (Thread/sleep 2))
            (reset! stop true)
            (println \"done\" (mapv deref workers) \"unexpected\" (count @unexpected) (mapv str (take 3 @unexpected)))
            (.close ^java.io.Closeable mp)
            (shutdown-agents)")]
    (no-crash r)
    (is (zero? (:exit r)) (:err r))
    (is (str/includes? (:out r) "unexpected 0 []") (:out r))))

(deftest vm-max-map-count-hint-names-the-real-limit
  (let [limit (str/trim (proc/read-proc "/proc/sys/vm/max_map_count"))
        e (try (m/map-anonymous (bit-shift-left 1 46)) nil (catch mmap.ErrnoException e e))]
    (is (= "ENOMEM" (.errnoName ^mmap.ErrnoException e)))
    (is (str/includes? (.getMessage ^mmap.ErrnoException e) (str "vm.max_map_count " limit)) (.getMessage ^mmap.ErrnoException e))))

(deftest errors-are-named-right-after-running-out-of-descriptors
  ;; The first mapping is tried with no descriptor left: EMFILE must be reported as such, and
  ;; later errors keep their own names (the library is loaded first: no class can be read from
  ;; the class path without a descriptor).
  (let [r (ts/run-clojure-watched
           "(require '[mmap.core :as m])
            (def held (java.util.ArrayList.))
            (try (dotimes [_ 100000] (.add held (java.io.FileInputStream. \"/dev/null\"))) (catch java.io.IOException _))
            (def first-error (try (m/map-file \"deps.edn\") :mapped (catch mmap.ErrnoException e (.errnoName e))))
            (dotimes [_ 50] (.close ^java.io.Closeable (.remove ^java.util.ArrayList held (int 0))))
            (def later (try (m/map-file \"/no/such/file\") :mapped (catch mmap.ErrnoException e (.errnoName e))))
            (println first-error later)"
           :prefix ["prlimit" "--nofile=400:400"])]
    (if (str/includes? (:err r) "prlimit")
      (ts/skip! "prlimit is missing")
      (do (no-crash r)
          (is (str/ends-with? (str/trim (:out r)) "EMFILE ENOENT") (str (:out r) (:err r)))))))

(deftest blob-from-a-nil-pointer-is-refused
  (is (thrown-with-msg? IllegalArgumentException #"NULL" (raw/blob-from-pointer nil 10)))
  (is (thrown-with-msg? IllegalArgumentException #"NULL" (raw/blob-from-pointer 0 10))))

;; ---- leaks and memory ----------------------------------------------------------------------

(defn- settles?
  "Whether (ok?) comes true within 30 s of collecting garbage: cleaners run on their own thread."
  [ok?]
  (loop [i 0]
    (System/gc)
    (cond (ok?) true
          (>= i 60) false
          :else (do (Thread/sleep 500) (recur (inc i))))))

(defn- mappings-of
  "How many of this process's mappings (/proc/self/maps) are of file `f`. Counted by path, not
  as a total: a total also counts the stacks of the scan pool's idle threads (two lines each),
  which live on for the pool's keep-alive time."
  [f]
  (let [path (.getCanonicalPath (io/file f))]
    (count (filter #(= path (:path %)) (proc/maps)))))

(deftest abandoned-lazy-seqs-leave-nothing-behind
  (let [f (str (ts/temp-file (apply str (repeat 20000 "alpha beta gamma\n"))))
        fds (count (proc/open-fds))]
    (dotimes [_ 10000] (first (m/re-seq #"alpha" f)))
    (is (<= (count (proc/open-fds)) (+ fds 2)) "a seq over a path holds no descriptor")
    (is (settles? #(zero? (mappings-of f))) "and its mapping is released once the seq is unreachable")
    (testing "parallel seqs too"
      (let [big (str (ts/temp-file (apply str (repeat 400000 "alpha beta gamma\n"))))]
        (with-open [_ (m/map-file big)]
          (is (= 1 (mappings-of big)) "a mapping of the file is seen by its path"))
        (dotimes [_ 200] (first (m/re-seq #"gamma" big {:threads 2 :chunk-size 65536})))
        (is (settles? #(zero? (mappings-of big))))))))

(deftest dense-results-after-a-sparse-stretch-stay-in-bounded-memory
  ;; 8 MB without a match, then 12 MB of matches: chunks grow over the sparse part, and
  ;; results in flight must still be bounded by count and bytes, not by chunk size.
  (let [f (ts/temp-file "")]
    (with-open [out (io/output-stream f)]
      (.write out (byte-array (* 8 1024 1024) (byte (int \b))))
      (.write out (byte-array (* 12 1024 1024) (byte (int \a)))))
    (let [{:keys [out err exit] :as r}
          (ts/run-clojure-watched
           (str "(require '[mmap.core :as m])"
                "(print (loop [s (m/re-seq #\"a\" " (pr-str (str f)) " {:threads 2}) n 0] (if s (recur (next s) (inc n)) n)))")
           :jvm-opts ["-Xmx64m"])]
      (no-crash r)
      (is (zero? exit) err)
      (is (= (str (* 12 1024 1024)) (str/trim out)) err))
    (.delete f)))

(deftest threads-n-means-n-threads
  ;; Tasks spend their time in the payload function here, so counting the threads inside it
  ;; at once counts the scans running at once.
  (let [f (ts/temp-file (apply str (repeat 20000 "tag <x> and <y>\n")))
        inside (AtomicInteger.)
        peak (AtomicInteger.)
        payload (reify java.util.function.Function
                  (apply [_ s]
                    (let [n (.incrementAndGet inside)]
                      (loop [] (let [p (.get peak)] (when (and (> n p) (not (.compareAndSet peak p n))) (recur))))
                      (Thread/sleep 0 200000)
                      (.decrementAndGet inside)
                      (.group ^mmap.internal.RegexScanner s 0))))]
    (with-open [mp (m/map-file f)]
      (doseq [threads [1 2 3]]
        (.set peak 0)
        (let [spec (RegexScanner$Spec. (m/segment mp) 0 (m/size mp) #"<\w>" true)
              p (ParallelScan. spec threads 4096 payload nil)
              n (loop [n 0] (let [b (.nextBatch p)] (if (.isEmpty b) n (recur (+ n (count b))))))]
          (is (= 40000 n))
          (is (<= (.get peak) threads) (str "at most " threads " scanned at once, not " (.get peak)))
          (is (or (= 1 threads) (> (.get peak) 1)) "and more than one did"))))
    (testing "the :executor option runs the tasks"
      (let [ran (AtomicInteger.)
            pool (java.util.concurrent.Executors/newFixedThreadPool 2)
            ex (reify Executor (execute [_ task] (.incrementAndGet ran) (.execute pool task)))]
        (is (= 40000 (count (m/re-seq #"<\w>" f {:threads 2 :chunk-size 16384 :executor ex}))))
        (is (pos? (.get ran)))
        (.shutdown pool)))))

(deftest the-first-parallel-match-comes-as-soon-as-it-is-known
  ;; Every attempt of (.*?,){11}P fails slowly on lines with many commas; through slurp the
  ;; first match, ^1 at the start, is found at once. The first batch must not wait for the
  ;; rest of chunk 0.
  (let [f (ts/temp-file (str "1" (apply str (repeat 300000 "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p\n"))))]
    (with-open [mp (m/map-file f)]
      (let [spec (RegexScanner$Spec. (m/segment mp) 0 (m/size mp) #"^1|(.*?,){11}P" true)
            p (ParallelScan. spec 2 (* 256 1024) (reify java.util.function.Function (apply [_ s] (.group ^mmap.internal.RegexScanner s 0))) nil)]
        (try
          (is (= ["1"] (vec (.nextBatch p))))
          (is (pos? (.running p)) "delivered while chunk 0's task is still scanning")
          (finally (.close p))))
      (is (= ["1" nil] (deref (future (first (m/re-seq #"^1|(.*?,){11}P" mp))) 60000 :too-slow))))))

(deftest closing-while-a-native-call-holds-the-segment
  ;; read(2) on an empty pipe into the mapping blocks while holding its segment.
  (let [f (ts/temp-file (byte-array 4096))
        mp (m/map-file f {:mode :read-write})
        linker (java.lang.foreign.Linker/nativeLinker)
        read-fn (.downcallHandle linker (.get (.find (.defaultLookup linker) "read"))
                                 (java.lang.foreign.FunctionDescriptor/of java.lang.foreign.ValueLayout/JAVA_LONG
                                                                          (into-array java.lang.foreign.MemoryLayout
                                                                                      [java.lang.foreign.ValueLayout/JAVA_INT
                                                                                       java.lang.foreign.ValueLayout/ADDRESS
                                                                                       java.lang.foreign.ValueLayout/JAVA_LONG]))
                                 (make-array java.lang.foreign.Linker$Option 0))
        pipe (java.nio.file.Files/createTempFile "fifo" "" (make-array java.nio.file.attribute.FileAttribute 0))
        _ (.delete (.toFile pipe))
        _ (sh/sh "mkfifo" (str pipe))
        fd (raw/open (str pipe) raw/O_RDWR)
        ^java.util.List args [(int fd) (m/segment mp) (long 1)]
        reader (future (.invokeWithArguments ^java.lang.invoke.MethodHandle read-fn args))]
    (Thread/sleep 300)
    (let [e (try (m/close! mp) nil (catch Exception e e))]
      (is (some? e) "closing is refused while the native call holds the segment")
      (is (re-find #"native call" (str (ex-message e))))
      (is (.isOpen ^mmap.MappedFile @mp) "and the mapping stays open, not leaked")
      (is (some? (proc/mapping-at (.address ^mmap.MappedFile @mp)))))
    (spit (str pipe) "z")
    (is (= 1 (deref reader 5000 :hung)))
    (let [address (.address ^mmap.MappedFile @mp)]
      (m/close! mp)
      (is (not (.isOpen ^mmap.MappedFile @mp)))
      (is (nil? (some #(when (= (str f) (:path %)) %) (proc/maps))) "closed once the call returned")
      (is (number? address)))
    (raw/close fd)))

;; ---- the stress test -----------------------------------------------------------------------

(def ^:private stress-code
  "Child-JVM code: for about 40 s, readers of every kind loop over a mapping while the main
  thread protects, resizes, writes to, truncates (from outside) and finally closes it. Only
  the library's own ex-infos may come out; anything else, and any crash, is a failure."
  "(require '[mmap.core :as m])
   (import '(java.io RandomAccessFile))
   (def deadline (+ (System/currentTimeMillis) 40000))
   (def unexpected (atom []))
   (def seen (atom {}))
   (def expected-kinds #{:closed :truncated :illegal-state :out-of-bounds})
   (defn attempt [k f]
     (try (f) (swap! seen update [k :ok] (fnil inc 0))
          (catch clojure.lang.ExceptionInfo e
            (let [kind (:mmap/error (ex-data e))]
              (swap! seen update [k kind] (fnil inc 0))
              (when-not (expected-kinds kind) (swap! unexpected conj [k (str e)]))))
          (catch java.util.concurrent.CancellationException _ nil)
          (catch Throwable t (swap! unexpected conj [k (str t)]))))
   (def readers
     {:nth #(loop [i 0 acc 0] (if (< i (min 200000 (m/size %))) (recur (+ i 7) (+ acc (long (nth % i)))) acc))
      :reduce #(reduce + 0 %)
      :seq #(count (seq %))
      :bytes #(alength (m/bytes %))
      :index-of #(m/index-of % \"absent\")
      :index-of-long #(m/index-of % (apply str (repeat 70 \"q\")))
      :lines #(count (m/lines %))
      :re-seq #(count (m/re-seq #\"\\w+é\" % {:threads 1}))
      :re-seq-parallel #(count (m/re-seq #\"[a-z]+ \\d\" % {:threads 2 :chunk-size 65536}))
      :count-literal #(m/count-matches #\"needle\\d\" % {:threads 2 :chunk-size 65536})
      :matches-latin1 #(count (m/matches #\"é.\" % {:encoding :latin-1}))
      :slice #(let [s (m/slice % 100 1000)] (reduce + 0 s))})
   (def text (apply str (repeat 40000 \"alpha 1 beta é needle7 gamma\\n\")))
   (loop [round 0]
     (when (< (System/currentTimeMillis) deadline)
       (let [f (java.io.File/createTempFile \"stress\" \".txt\")
             _ (spit f text)
             mp (m/map-file f {:mode :read-write})
             stop (atom false)
             workers (doall (for [[k r] readers] (future (while (not @stop) (attempt k #(r mp))))))
             rnd (java.util.Random. round)]
         (dotimes [_ 60]
           (try
             (case (.nextInt rnd 5)
               0 (m/protect! mp (nth [#{:none} #{:read} #{:read :write}] (.nextInt rnd 3)))
               1 (m/resize! mp (+ 4096 (.nextInt rnd (* 2 1024 1024))))
               2 (m/write! mp (.nextInt rnd 1000) \"x\")
               3 (with-open [raf (RandomAccessFile. f \"rw\")] (.setLength raf (.nextInt rnd (* 1024 1024))))
               4 (with-open [raf (RandomAccessFile. f \"rw\")] (.setLength raf (* 2 1024 1024))))
             (catch clojure.lang.ExceptionInfo _ nil)
             (catch mmap.ErrnoException _ nil))
           (Thread/sleep 5))
         (m/close! mp)
         (Thread/sleep 20)
         (reset! stop true)
         (run! deref workers)
         (.delete f)
         (recur (inc round)))))
   (println \"kinds\" (sort (distinct (map second (keys @seen)))))
   (println \"unexpected\" (count @unexpected) (pr-str (take 5 @unexpected)))
   (shutdown-agents)")

(deftest stress-close-resize-protect-truncate-against-every-reader
  (let [{:keys [out err exit] :as r} (ts/run-clojure-watched stress-code :jvm-opts ["-Xmx512m"])]
    (no-crash r)
    (is (zero? exit) err)
    (is (str/includes? out "unexpected 0 ()") out)
    (is (str/includes? out ":truncated") (str "truncation was met: " out))
    (is (str/includes? out ":closed") out)))

(deftest a-file-too-large-for-the-heap-is-mapped-when-its-array-cannot-be-had
  ;; FileBytes.Reader reads files into an array; where the array cannot be allocated it maps
  ;; the file instead (the kernel's view: the mapping shows in /proc/self/maps while open).
  (let [f (ts/temp-file "")
        size (* 48 1024 1024)]
    (with-open [out (io/output-stream f)]
      (.write out (byte-array (dec size) (byte (int \x))))
      (.write out (byte-array [(byte (int \Z))])))
    (let [{:keys [out err exit] :as r}
          (ts/run-clojure-watched
           (str "(do (import '(mmap FileBytes$Reader) '(java.lang.foreign ValueLayout) '(java.nio.file Files Path)) nil)"
                "(with-open [fb (.open (FileBytes$Reader. Long/MAX_VALUE) (Path/of " (pr-str (str f)) " (make-array String 0)))]"
                "  (let [s (.segment fb)]"
                "    (print (.byteSize s) (.isNative s) (char (.get s ValueLayout/JAVA_BYTE (dec (.byteSize s))))"
                "           (.contains (Files/readString (Path/of \"/proc/self/maps\" (make-array String 0))) " (pr-str (.getName ^java.io.File f)) "))))")
           :jvm-opts ["-Xmx32m"])]
      (no-crash r)
      (is (zero? exit) err)
      (is (= (str size " true Z true") (str/trim out)) err))
    (.delete f)))
