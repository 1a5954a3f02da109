(ns mmap.core-test
  "The safe mapping API, checked against the kernel (/proc/self/maps, /proc/self/fd)
  and against the file as another channel reads it."
  (:require [clojure.datafy :refer [datafy]]
            [clojure.java.io :as io]
            [clojure.java.shell :as sh]
            [clojure.string :as str]
            [clojure.test :refer [deftest is testing]]
            [mmap.core :as m]
            [mmap.proc :as proc]
            [mmap.test-support :as ts :refer [thrown-errno]])
  (:import (java.io RandomAccessFile)
           (java.lang.foreign ValueLayout)
           (mmap MappedFile)
           (mmap.posix Mman)))

(set! *warn-on-reflection* true)

(defn- ex-msg [f] (try (f) nil (catch Exception e (ex-message e))))
(defn- ex-thrown [f] (try (f) nil (catch Exception e e)))

(deftest a-mapping-is-a-clojure-value
  (let [f (ts/temp-file "hello\nworld\r\nfoo\rbar")]
    (with-open [mp (m/map-file f)]
      (is (= 20 (count mp)))
      (is (= (byte \h) (nth mp 0)))
      (is (= :none (nth mp 99 :none)))
      (is (= (seq (ts/file-bytes f)) (seq mp)))
      (is (chunked-seq? (seq mp)))
      (is (= (reduce + (seq (ts/file-bytes f))) (reduce + mp) (reduce + 0 mp)))
      (is (= 3 (reduce (fn [n _] (if (= n 3) (reduced n) (inc n))) 0 mp)) "reduced stops the reduce")
      (is (= (line-seq (io/reader f)) (m/lines mp) (into [] (m/lines-reducible mp))))
      (is (= 6 (m/index-of mp "world")) (= 7 (m/index-of mp "o" 5)))
      (is (nil? (m/index-of mp "absent")))
      (is (= "world" (String. (m/bytes mp 6 5))))
      (is (= "world" (String. (m/bytes (m/slice mp 6 5)))))
      (is (= "#mmap/mapping {:path \"" (subs (pr-str mp) 0 22)))
      (is (not (str/includes? (pr-str mp) "hello")) "printing never dumps contents")
      (let [d (datafy mp)]
        (is (= {:size 20 :mode :read-only :open? true :path (str f)} (select-keys d [:size :mode :open? :path])))
        (is (= (str f) (:path (proc/mapping-at (:address d)))) "the address datafy shows is the file's mapping")))
    (testing "a lazy seq dies with its mapping, with an exception"
      (let [s (with-open [mp (m/map-file f)] (m/lines mp))]
        (is (re-find #"is closed" (ex-msg #(doall s))))))))

(deftest paths-and-offsets
  (let [f (ts/temp-file "0123456789abcdef")]
    (doseq [p [(str f) f (.toPath f)]]
      (with-open [mp (m/map-file p {:offset 3 :length 4})]
        (is (= "3456" (String. (m/bytes mp))))))
    (with-open [mp (m/map-file f {:offset 10})] (is (= "abcdef" (String. (m/bytes mp)))))
    (with-open [mp (m/map-file f nil)] (is (= 16 (count mp))))))

(deftest large-unaligned-offsets-expose-exactly-the-bytes-asked-for
  (let [n (* 3 (Mman/pageSize))
        data (byte-array (map #(unchecked-byte (* 7 %)) (range n)))
        f (ts/temp-file data)]
    (doseq [off [1 4095 4096 4097 8000] len [0 1 100]]
      (with-open [mp (m/map-file f {:offset off :length len})]
        (is (= (seq (java.util.Arrays/copyOfRange data (int off) (int (+ off len)))) (seq (m/bytes mp))))))))

(deftest writes-sync-and-modes
  (let [f (ts/temp-file "..........")]
    (with-open [mp (m/map-file f {:mode :read-write})]
      (m/write! mp 2 "ab")
      (m/sync! mp)
      (is (= "..ab......" (slurp f)) "another channel sees the synced bytes"))
    (with-open [mp (m/map-file f {:mode :private})]
      (m/write! mp 0 "ZZ")
      (is (= "ZZab" (String. (m/bytes mp 0 4))))
      (is (= "..ab......" (slurp f)) "copy-on-write never reaches the file"))
    (with-open [mp (m/map-file f {:mode :read-write :length 20})]
      (is (= 20 (.length f)) ":read-write grows the file to the length asked for")
      (m/write! mp 19 "!")
      (m/sync! mp {:offset 19 :length 1 :async? false}))
    (is (= \! (last (slurp f))))))

(deftest bad-input-gets-a-clear-error
  (let [f (ts/temp-file "0123456789")
        missing (str f ".missing")]
    (testing "missing file"
      (let [e (thrown-errno (m/map-file missing))]
        (is (= "ENOENT" (.errnoName e)))
        (is (str/includes? (.getMessage e) missing))))
    (testing "a directory"
      (is (= "EISDIR" (.errnoName (thrown-errno (m/map-file (ts/temp-dir)))))))
    (testing "an unreadable file: EACCES for a user without permission"
      (let [locked (ts/temp-file "secret")]
        (.setReadable locked false false)
        (if (ts/sh-ok? "setpriv" "--help")
          (let [{:keys [out err]} (ts/run-java
                                   (str "try { MappedFile.open(Path.of(\"" locked "\")); System.out.print(\"opened\"); }"
                                        " catch (ErrnoException e) { System.out.print(e.errnoName() + \" \" + e.getMessage()); }")
                                   :prefix ["setpriv" "--reuid=65534" "--regid=65534" "--clear-groups"])]
            (is (str/starts-with? out "EACCES") (str out err))
            (is (str/includes? out (str locked))))
          (ts/skip! "setpriv is missing, so no unprivileged user can be tried"))))
    (testing "an empty file is an empty mapping, with no mmap"
      (let [empty (ts/temp-file "")
            before (proc/mapping-count)]
        (with-open [mp (m/map-file empty)]
          (is (zero? (count mp)))
          (is (nil? (seq mp)))
          (is (= 0 (alength (m/bytes mp))))
          (is (= [] (into [] (m/lines-reducible mp))))
          (is (not-any? #(= (str empty) (:path %)) (proc/maps)) "nothing of the file is mapped")
          (is (<= (- (proc/mapping-count) before) 2)))))
    (testing "offsets and lengths: a caller's mistake, not an errno"
      (let [e (ex-thrown #(m/map-file f {:offset 11}))]
        (is (= :invalid-argument (:mmap/error (ex-data e))))
        (is (str/includes? (ex-message e) (str f))))
      (is (re-find #"past the end.*READ_WRITE" (ex-message (ex-thrown #(m/map-file f {:length 11})))))
      (is (re-find #"non-negative" (ex-msg #(m/map-file f {:offset -1}))))
      (is (re-find #"non-negative" (ex-msg #(m/map-file f {:length -5}))))
      (is (re-find #"allowed: :advice" (ex-msg #(m/map-file f {:colour :red}))))
      (is (re-find #"allowed: :private, :read-only, :read-write" (ex-msg #(m/map-file f {:mode :rw})))))
    (testing "writing through a :read-only mapping"
      (with-open [mp (m/map-file f)]
        (is (= :read-only (:mmap/error (ex-data (ex-thrown #(m/write! mp 0 "x"))))))
        (is (thrown-with-msg? Exception #"read-only" (.set (m/segment mp) ValueLayout/JAVA_BYTE 0 (byte 1))))
        (is (= "0123456789" (slurp f)) "nothing was written")))
    (testing "access after close, and a double close"
      (let [mp (m/map-file f)
            seg (m/segment mp)]
        (.close ^java.io.Closeable mp)
        (.close ^java.io.Closeable mp)
        (is (re-find #"closed" (ex-msg #(nth mp 0))))
        (is (re-find #"closed" (ex-msg #(m/bytes mp))))
        (is (thrown? IllegalStateException (.get seg ValueLayout/JAVA_BYTE 0)))))
    (testing "a FIFO, and /proc files"
      (let [fifo (str (ts/temp-dir) "/fifo")]
        (when (ts/sh-ok? "mkfifo" fifo)
          (let [e (thrown-errno (m/map-file fifo))]
            (is (= "ENODEV" (.errnoName e)))
            (is (re-find #"FIFO" (.getMessage e))))))
      (let [e (thrown-errno (m/map-file "/proc/self/status"))]
        (is (= "ENODEV" (.errnoName e)))
        (is (str/includes? (.getMessage e) "/proc/self/status"))))
    (testing "huge pages that are not reserved"
      (when (= "0" (str/trim (proc/read-proc "/proc/sys/vm/nr_hugepages")))
        (let [e (thrown-errno (m/map-anonymous (* 2 1024 1024) {:huge-pages? true}))]
          (is (= "ENOMEM" (.errnoName e)))
          (is (str/includes? (.getMessage e) "nr_hugepages")))))))

(deftest mlock-beyond-the-limit-says-ulimit
  (if (ts/sh-ok? "setpriv" "--help")
    (let [{:keys [out err]} (ts/run-clojure
                             (str "(require 'mmap.core) (try (mmap.core/map-anonymous (* 64 1024 1024) {:lock? true})"
                                  " (print \"locked\") (catch mmap.ErrnoException e (print (.errnoName e) (.getMessage e))))")
                             :prefix ["setpriv" "--inh-caps=-all" "--bounding-set=-ipc_lock" "prlimit" "--memlock=65536:65536"])]
      (is (re-find #"^(ENOMEM|EPERM|EAGAIN)" out) (str out err))
      (is (str/includes? out "ulimit -l") out))
    (ts/skip! "setpriv is missing, so CAP_IPC_LOCK cannot be dropped")))

(deftest too-many-mappings-are-refused-before-the-jvm-runs-out
  ;; A child JVM with the JIT on maps 4 KiB regions (alternately read-only, so that the kernel
  ;; cannot merge them) until refused. The refusal must come as ENOMEM with the hint while the
  ;; JVM can still map its own memory: it then starts threads, compiles, allocates and exits 0.
  (let [dir (ts/temp-dir)
        {:keys [out err exit]}
        (ts/run-java
         (str "var ms = new java.util.ArrayList<MappedFile>(); String result = \"no limit\";\n"
              "try { for (int i = 0; i < 300000; i++) { MappedFile m = MappedFile.anonymous(4096);"
              "  if (i % 2 == 1) m.protect(java.util.EnumSet.of(Protection.READ)); ms.add(m); } }\n"
              "catch (ErrnoException e) { result = e.errnoName() + \" \" + e.getMessage(); }\n"
              "long sum = 0; var ts = new java.util.ArrayList<Thread>();\n"
              "for (int t = 0; t < 8; t++) { Thread th = new Thread(() -> { long s = 0; for (int k = 0; k < 5_000_000; k++) s += k % 7; }); th.start(); ts.add(th); }\n"
              "for (Thread th : ts) th.join();\n"
              "byte[][] junk = new byte[64][]; for (int k = 0; k < 64; k++) junk[k] = new byte[1 << 20];\n"
              "for (MappedFile m : ms) m.close();\n"
              "System.out.print(result + \"\\nafter: ok \" + ms.size() + \" \" + junk.length);")
         :jvm-opts [(str "-XX:ErrorFile=" dir "/hs_err_%p.log")])]
    (is (zero? exit) (str out err))
    (is (str/starts-with? out "ENOMEM") (str out err))
    (is (str/includes? out "vm.max_map_count") out)
    (is (str/includes? out "after: ok") out)
    (is (empty? (filter #(str/starts-with? (.getName ^java.io.File %) "hs_err") (.listFiles dir))) "no JVM crash report")))

(deftest advise-protect-lock-residency-resize
  (let [n (* 4 (Mman/pageSize))
        f (ts/temp-file (byte-array n (byte 1)))]
    (with-open [mp (m/map-file f {:mode :read-write :advice :sequential :populate? true})]
      (is (= 4 (:resident (m/resident mp))) "MAP_POPULATE faulted every page in")
      (is (= [true true true true] (m/residency mp)))
      (doseq [a (keys mmap.impl.options/advice) :when (#{:normal :random :will-need :cold :dont-fork :do-fork} a)]
        (m/advise! mp a))
      (is (re-find #"allowed: :cold" (ex-msg #(m/advise! mp :sideways))))
      (m/protect! mp #{:read})
      (is (= "r--s" (:perms (proc/mapping-at (:address (datafy mp))))))
      (is (thrown-with-msg? Exception #"read-only" (.set (m/segment mp) ValueLayout/JAVA_BYTE 0 (byte 2))))
      (m/protect! mp #{:none})
      (is (= "---s" (:perms (proc/mapping-at (.address ^MappedFile @mp)))))
      (is (re-find #"PROT_NONE" (ex-msg #(nth mp 0))) "a PROT_NONE mapping refuses reads instead of faulting")
      (m/protect! mp #{:read :write})
      (is (= 1 (nth mp 0)))
      (try (m/lock! mp) (m/unlock! mp)
           (catch mmap.ErrnoException e (is (str/includes? (.getMessage e) "ulimit -l"))))
      (m/resize! mp (* 2 n))
      (is (= (* 2 n) (count mp) (.length f)) "resize! grows a :read-write file and the view")
      (m/write! mp (dec (* 2 n)) "z")
      (m/sync! mp)
      (let [raf (RandomAccessFile. f "r")]
        (.seek raf (dec (* 2 n)))
        (is (= (int \z) (.read raf)))
        (.close raf))
      (is (<= (+ (.address ^MappedFile @mp) (* 2 n)) (:end (proc/mapping-at (.address ^MappedFile @mp))))))))

(deftest truncation-under-a-mapping-raises-not-crashes
  (let [n (* 8 (Mman/pageSize))
        f (ts/temp-file (byte-array n (byte 7)))]
    (with-open [mp (m/map-file f)]
      (is (= 7 (nth mp (dec n))))
      (with-open [raf (RandomAccessFile. f "rw")] (.setLength raf 10))
      (let [msg (ex-msg #(reduce + mp))]
        (is (re-find #"truncated" (str msg)) msg))
      (is (= 7 (nth mp 0)) "the JVM is still running, and the first page still reads"))))

(deftest closing-under-concurrent-readers
  (let [f (ts/temp-file (byte-array (* 64 1024) (byte 3)))]
    (dotimes [_ 20]
      (let [mp (m/map-file f)
            readers (doall (for [_ (range 2)] (future (try (loop [s 0] (recur (+ s (long (reduce + mp)))))
                                                          (catch Exception e e)))))]
        (Thread/sleep 5)
        (.close ^java.io.Closeable mp)
        (doseq [r readers]
          (is (instance? Exception (deref r 5000 :hung))))))))

(deftest durable-after-sync-even-on-kill-9
  (let [f (ts/temp-file (byte-array 4096))
        code (str "(require '[mmap.core :as m]) (let [mp (m/map-file \"" f "\" {:mode :read-write})]"
                  " (m/write! mp 100 \"durable\") (m/sync! mp) (println \"synced\") (flush) (Thread/sleep 60000))")
        pb (ProcessBuilder. ^"[Ljava.lang.String;"
                            (into-array String [(ts/java-cmd) "--enable-native-access=ALL-UNNAMED"
                                                "-cp" (System/getProperty "java.class.path") "clojure.main" "-e" code]))
        p (.start pb)
        line (.readLine ^java.io.BufferedReader (io/reader (.getInputStream p)))]
    (is (= "synced" line))
    (sh/sh "kill" "-9" (str (.pid p)))
    (.waitFor p)
    (is (= "durable" (String. (ts/file-bytes f) 100 7)))))

(deftest bad-arguments-to-the-other-calls
  (let [f (ts/temp-file "0123456789")]
    (with-open [mp (m/map-file f)]
      (let [e (ex-thrown #(m/resize! mp 100))]
        (is (= :invalid-argument (:mmap/error (ex-data e))))
        (is (re-find #"READ_WRITE" (ex-message e)) "a read-only mapping cannot grow the file"))
      (is (= 10 (m/size mp)) "and the mapping is unchanged")
      (is (re-find #"allowed: :exec, :none, :read, :write" (ex-msg #(m/protect! mp #{:rw}))))
      (is (re-find #"allowed: :async\?, :length, :offset" (ex-msg #(m/sync! mp {:flush true}))))
      (is (re-find #"outside the mapping" (ex-msg #(m/bytes mp 8 5))))
      (is (re-find #"non-negative" (ex-msg #(m/slice mp -1 2))))
      (is (re-find #"String or byte array" (ex-msg #(m/index-of mp 42))))
      (is (re-find #":encoding" (ex-msg #(m/re-seq #"x" mp {:encoding :utf-16}))))
      (is (re-find #":from 5 is after :to 2" (ex-msg #(m/count-matches #"x" mp {:from 5 :to 2}))))
      (is (re-find #"unknown advice :hw-poison" (ex-msg #(m/advise! mp :hw-poison)))))
    (is (re-find #"expected a path" (ex-msg #(m/map-file 42))))
    (is (re-find #"options must be a map" (ex-msg #(m/map-file f [:mode :read-only]))))))
