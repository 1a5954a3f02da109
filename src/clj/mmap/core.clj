(ns mmap.core
  "Memory-mapped files as Clojure values.

  `(map-file path)` returns a mapping: Closeable (use `with-open`), Counted, Indexed
  (`nth` gives a byte), Seqable (a chunked lazy byte seq), reducible without a seq
  (`IReduceInit`), printable without its contents, and `datafy`-able.

  Lifetimes: a mapping's memory is gone once it is closed. Anything lazy taken from it
  (`seq`, `lines`, `re-seq`, ...) throws when realized after that, never crashes: realize
  it inside `with-open`, reduce it there, or copy bytes out with `bytes`."
  (:refer-clojure :exclude [bytes re-seq re-find])
  (:require [mmap.impl.mapping :as mapping]
            [mmap.impl.options :as options]
            [mmap.impl.regex :as regex])
  (:import (clojure.lang IReduceInit)
           (java.io File)
           (java.lang.foreign MemorySegment ValueLayout)
           (java.nio.charset StandardCharsets)
           (java.nio.file Path)
           (mmap ByteSearch ErrnoException MappedFile MappedFile$Mode Mman)
           (mmap.impl.mapping Mapping)))

(set! *warn-on-reflection* true)

(defn- ->path ^Path [p]
  (cond (instance? Path p) p
        (instance? File p) (.toPath ^File p)
        (string? p) (Path/of ^String p (make-array String 0))
        :else (throw (ex-info (str "Expected a path as a String, File or Path, not " (pr-str p)) {:path p}))))

(def ^:private mode->java
  {:read-only MappedFile$Mode/READ_ONLY :read-write MappedFile$Mode/READ_WRITE :private MappedFile$Mode/PRIVATE})

(defn- java-options [{:keys [mode offset length populate? advice lock? huge-pages? create?]}]
  (cond-> (MappedFile/options)
    mode (.mode (mode->java mode))
    offset (.offset (long offset))
    length (.length (long length))
    populate? (.populate true)
    advice (.advice (int (options/advice advice)))
    lock? (.lock true)
    huge-pages? (.hugePages true)
    create? (.create true)))

(defn mapping?
  "True for what `map-file`, `map-anonymous` and `slice` return."
  [x]
  (instance? Mapping x))

(defn ^Mapping map-file
  "Maps the file at `path` (String, File or Path). Options, all optional (nil means default):

    :mode        :read-only (default), :read-write (writes reach the file), or
                 :private (copy-on-write; writes stay in this process)
    :offset      first byte of the file to map; any value (aligned down internally)
    :length      bytes to map; default up to the end of the file. Past the end is an
                 error, except with :read-write, which grows the file
    :populate?   fault every page in now (MAP_POPULATE)
    :advice      initial madvise: :normal :random :sequential :will-need ... (see `advise!`)
    :lock?       mlock the pages (limited by `ulimit -l`)
    :huge-pages? ask for transparent huge pages (MADV_HUGEPAGE)
    :create?     with :read-write, create the file if it is missing

  An empty file gives an empty mapping (no mmap call is made). Failures throw
  mmap.ErrnoException naming the call, the file, the errno (ENOENT, EACCES, ...) and a hint."
  ([path] (map-file path nil))
  ([path opts]
   (let [opts (options/validate "map-file" options/map-file-spec opts)]
     (Mapping. (MappedFile/open (->path path) (java-options opts)) 0 -1))))

(defn ^Mapping map-anonymous
  "Maps `n` bytes of zero-filled anonymous memory. Options as for `map-file`, where
  :mode is :private (default) or :read-write (shared with child processes), and
  :huge-pages? asks for MAP_HUGETLB pages (reserved in /proc/sys/vm/nr_hugepages)."
  ([n] (map-anonymous n nil))
  ([n opts]
   (let [opts (options/validate "map-anonymous" (dissoc options/map-file-spec :offset :length :create?) opts)]
     (Mapping. (MappedFile/anonymous (long n) (java-options (update opts :mode #(or % :private)))) 0 -1))))

(defn- ->mapping ^Mapping [m]
  (if (instance? Mapping m) m
      (throw (ex-info (str "Expected a mapping (from map-file), not " (pr-str (type m))) {:value m}))))

(defn- mf ^MappedFile [m] (mapping/mapped-file (->mapping m)))

(defn size
  "The mapping's length in bytes, as a long (`count` gives an int, so stops at 2 GiB)."
  ^long [m]
  (mapping/size (->mapping m)))

(defn segment
  "The java.lang.foreign.MemorySegment of exactly the mapped bytes, for coffi or any FFM
  code. Read-only for :read-only mappings; every access throws once the mapping closes."
  ^MemorySegment [m]
  (mapping/segment (->mapping m)))

(defn- check-range [m ^long offset ^long length]
  (let [n (size m)]
    (when (or (neg? offset) (neg? length) (> offset (- n length)))
      (throw (ex-info (str "Range [" offset ", " (+ offset length) ") is outside the mapping (" n " bytes)")
                      {:offset offset :length length :size n})))))

(defn bytes
  "Copies the mapping's bytes, or `length` bytes from `offset`, into a new byte array."
  (^bytes [m] (bytes m 0 (size m)))
  (^bytes [m offset length]
   (check-range m offset length)
   (mapping/with-access-errors (mf m)
     (.toArray (.asSlice (segment m) (long offset) (long length)) ValueLayout/JAVA_BYTE))))

(defn slice
  "The `length` bytes from `offset` as a mapping of their own, sharing the original's
  memory and lifetime (closing a slice does nothing; closing the original kills it)."
  [m offset length]
  (check-range m offset length)
  (let [^Mapping m (->mapping m)]
    (Mapping. (mapping/mapped-file m) (+ (mapping/start m) (long offset)) (long length))))

(defn- ->needle ^bytes [x]
  (cond (string? x) (.getBytes ^String x StandardCharsets/UTF_8)
        (bytes? x) x
        :else (throw (ex-info (str "index-of needs a String or byte array, not " (pr-str (type x))) {:value x}))))

(defn index-of
  "The offset of the first occurrence of `needle` (a String, as UTF-8, or a byte array)
  at or after `from` (default 0), or nil. Scans eight bytes at a time."
  ([m needle] (index-of m needle 0))
  ([m needle from]
   (let [n (size m)
         from (max 0 (long from))]
     (when (<= from n)
       (let [i (mapping/with-access-errors (mf m) (ByteSearch/indexOf (segment m) from n (->needle needle)))]
         (when-not (neg? i) i))))))

(defn- decoder [encoding]
  (case (or encoding :utf-8)
    :utf-8 StandardCharsets/UTF_8
    (:latin-1 :bytes) StandardCharsets/ISO_8859_1
    (throw (ex-info (str "Unknown :encoding " (pr-str encoding) "; allowed: :utf-8, :latin-1, :bytes")
                    {:encoding encoding}))))

(defn- next-line
  "[line next-offset] for the line that starts at byte `i` of `seg` (`n` bytes)."
  [^MemorySegment seg ^long i ^long n ^java.nio.charset.Charset cs]
  (let [j (ByteSearch/indexOfEither seg i n (byte 10) (byte 13))
        end (if (neg? j) n j)
        line (String. ^bytes (.toArray (.asSlice seg i (- end i)) ValueLayout/JAVA_BYTE) cs)]
    [line (cond (neg? j) n
                (and (= 13 (.get seg ValueLayout/JAVA_BYTE j)) (< (inc j) n)
                     (= 10 (.get seg ValueLayout/JAVA_BYTE (inc j)))) (+ j 2)
                :else (inc j))]))

(defn- reduce-lines [m opts f init]
  (let [cs (decoder (:encoding opts))
        seg (segment m)
        n (long (size m))]
    (mapping/with-access-errors (mf m)
      (loop [i 0 acc init]
        (if (>= i n)
          acc
          (let [[line next-i] (next-line seg i n cs)
                acc (f acc line)]
            (if (reduced? acc) @acc (recur (long next-i) acc))))))))

(defn lines
  "A lazy seq of the mapping's lines, split as `line-seq` splits them (at \\n, \\r\\n or
  \\r) and decoded as UTF-8, or as opts' :encoding (:utf-8, :latin-1, :bytes) says."
  ([m] (lines m nil))
  ([m opts]
   (let [cs (decoder (:encoding opts))
         step (fn step [^long i]
                (lazy-seq
                  (let [n (long (size m))]
                    (when (< i n)
                      (let [[line next-i] (mapping/with-access-errors (mf m) (next-line (segment m) i n cs))]
                        (cons line (step next-i)))))))]
     (step 0))))

(defn lines-reducible
  "The lines of `lines` as a reducible (IReduceInit) that builds no seq: use with
  `reduce`, `transduce`, `into` or `run!` inside `with-open`."
  ([m] (lines-reducible m nil))
  ([m opts]
   (reify IReduceInit
     (reduce [_ f init] (reduce-lines m opts f init)))))

(defn write!
  "Writes `data` (a byte array, or a String as UTF-8) at `offset`. The mapping must be
  :read-write or :private. Returns the mapping."
  [m offset data]
  (let [^bytes bs (->needle data)
        ^MappedFile f (mf m)]
    (when (= (.mode f) MappedFile$Mode/READ_ONLY)
      (throw (ErrnoException. "write!" (str "offset=" offset ", " (alength bs) " bytes") (mmap.Errno/value "EACCES")
                              (some-> (.path f) str) "the mapping is :read-only; map the file with {:mode :read-write}")))
    (check-range m offset (alength bs))
    (mapping/with-access-errors f
      (MemorySegment/copy bs 0 (segment m) ValueLayout/JAVA_BYTE (long offset) (alength bs)))
    m))

(defn sync!
  "Flushes written bytes to the file with msync(MS_SYNC) and waits; with {:async? true},
  MS_ASYNC. {:offset :length} pick a range. Returns the mapping."
  ([m] (sync! m nil))
  ([m {:keys [offset length async?] :as opts}]
   (options/validate "sync!" {:offset [options/nat options/nat?] :length [options/nat options/nat?]
                              :async? [options/bool boolean?]} opts)
   (let [offset (long (or offset 0))
         length (long (or length (- (size m) offset)))]
     (check-range m offset length)
     (.sync (mf m) (+ (mapping/start m) offset) length (boolean async?))
     m)))

(defn advise!
  "madvise with a keyword: :normal :random :sequential :will-need :dont-need :free
  :remove :dont-fork :do-fork :mergeable :unmergeable :huge-page :no-huge-page
  :dont-dump :do-dump :wipe-on-fork :keep-on-fork :cold :page-out :populate-read
  :populate-write :dont-need-locked :collapse (:hw-poison and :soft-offline are refused).
  {:offset :length} pick a range. Returns the mapping."
  ([m advice] (advise! m advice nil))
  ([m advice {:keys [offset length] :as opts}]
   (options/validate "advise!" {:offset [options/nat options/nat?] :length [options/nat options/nat?]} opts)
   (let [code (or (options/advice advice)
                  (throw (ex-info (str "advise!: unknown advice " (pr-str advice) "; allowed: "
                                       (clojure.string/join ", " (sort (keys options/advice))))
                                  {:advice advice :allowed (set (keys options/advice))})))
         offset (long (or offset 0))
         length (long (or length (- (size m) offset)))]
     (check-range m offset length)
     (.advise (mf m) (int code) (+ (mapping/start m) offset) length)
     m)))

(defn protect!
  "mprotect the whole mapping to a set of :read, :write, :exec, or #{:none}. Segments
  and lazy seqs taken earlier die; without :read the mapping refuses reads. Returns it."
  [m prots]
  (let [prots (if (keyword? prots) #{prots} (set prots))]
    (when-let [bad (seq (remove options/protection prots))]
      (throw (ex-info (str "protect!: unknown protection " (pr-str (first bad)) "; allowed: :exec, :none, :read, :write")
                      {:protection (first bad)})))
    (.protect (mf m) (int (reduce bit-or 0 (map options/protection prots))))
    m))

(defn lock! "mlock the mapping's pages; past `ulimit -l` this fails with a hint. Returns it." [m] (.lock (mf m)) m)
(defn unlock! "munlock the mapping's pages. Returns it." [m] (.unlock (mf m)) m)

(defn residency
  "A vector with one boolean per page of the mapping, true where the page is resident (mincore)."
  [m]
  (mapv #(= 1 %) (.residency (mf m))))

(defn resident
  "How much of the mapping is in memory, from mincore: {:pages n :resident k :page-size p}."
  [m]
  (let [r (.residency (mf m))]
    {:pages (alength r) :resident (areduce r i acc 0 (+ acc (aget r i))) :page-size (Mman/pageSize)}))

(defn resize!
  "Changes the mapping's length with mremap; a :read-write file grows to fit. Returns
  the mapping, now showing the new length; segments and seqs taken before die."
  [m n]
  (.resize (mf m) (long n))
  m)

(defn close!
  "Unmaps (idempotent). `with-open` does this for you."
  [m]
  (.close (mf m)))

;; ---- regex ----------------------------------------------------------------

(def ^:private regex-spec
  {:from [options/nat options/nat?] :to [options/nat options/nat?]
   :encoding [options/encodings options/encodings]
   :threads ["a positive integer" pos-int?] :chunk-size ["a positive integer" pos-int?]
   :window ["a positive integer" pos-int?] :max-window ["a positive integer" pos-int?]})

(defn- with-source
  "Calls (f mapping close-fn): a mapping is used as is; a path is mapped, and close-fn unmaps it."
  [source f]
  (if (mapping? source)
    (f source (fn []))
    (let [mp (map-file source)]
      (try (f mp #(.close ^java.io.Closeable mp))
           (catch Throwable t (.close ^java.io.Closeable mp) (throw t))))))

(defn- scan-range
  "[segment from to opts] for a regex over mapping `mp` with options `opts`, validated."
  [mp opts]
  (let [opts (options/validate "regex" regex-spec opts)
        n (size mp)
        from (min n (long (:from opts 0)))
        to (min n (long (:to opts n)))]
    (when (> from to)
      (throw (ex-info (str ":from " from " is after :to " to) {:from from :to to})))
    [(segment mp) from to opts]))

(defn- lazy-of [re source opts f]
  (with-source source
    (fn [mp close]
      (mapping/with-access-errors (mf mp)
        (let [[seg from to opts] (scan-range mp opts)
              f #(mapping/with-access-errors (mf mp) (f %))]
          ;; Like clojure.core/re-seq, the first match is found now, and no match gives nil.
          (seq (if (regex/parallel? re from to opts)
                 (regex/lazy-batches (regex/parallel-scan seg from to re f opts) close)
                 (regex/lazy-matches (regex/scanner seg from to re opts) f close))))))))

(defn- scan-now
  "Calls (f segment from to opts) on the source's mapping, then unmaps it if it mapped it."
  [source opts f]
  (with-source source
    (fn [mp close]
      (try
        (mapping/with-access-errors (mf mp)
          (let [[seg from to opts] (scan-range mp opts)]
            (f seg from to opts)))
        (finally (close))))))

(defn- reducible-of [re source opts f]
  (reify clojure.lang.IReduceInit
    (reduce [_ rf init]
      (scan-now source opts
                (fn [seg from to opts]
                  (if (regex/parallel? re from to opts)
                    (regex/reduce-batches (regex/parallel-scan seg from to re f opts) rf init)
                    (regex/reduce-matches (regex/scanner seg from to re opts) f rf init)))))))

(defn re-seq
  "A lazy seq of the matches of `re` (a java.util.regex.Pattern such as #\"...\") in a
  mapping, or in the file at a path (mapped, and unmapped when the seq is exhausted).
  Results are shaped as clojure.core/re-seq's: strings, or vectors when `re` has groups,
  and equal to (re-seq re (slurp f)). Options:

    :from, :to    the byte range to search, taken as the whole text (default: everything)
    :encoding     :utf-8 (default; decoded exactly as slurp decodes), or :latin-1 / :bytes
                  (one char per byte: fastest, and right for binary files)
    :threads      threads to scan with (default: every core); results stay in order
    :chunk-size   bytes per parallel task (default 256 KiB, 8 MiB for count-matches)
    :window       first window in bytes (default 512 KiB; tiny ones are for tests)
    :max-window   largest decoded (non-ASCII) window, default 2 MiB"
  ([re m] (re-seq re m nil))
  ([re m opts] (lazy-of re m opts regex/re-groups-of)))

(defn matches
  "A lazy seq of maps, one per match: {:match s :groups [..] :start byte :end byte}, plus
  :named {:name s} for named groups. Offsets are bytes from the start of the mapping.
  Options as for `re-seq`."
  ([re m] (matches re m nil))
  ([re m opts] (lazy-of re m opts #(regex/match-map % 0))))

(defn re-find
  "The first match, shaped as clojure.core/re-find's, or nil. Options as for `re-seq`."
  ([re m] (re-find re m nil))
  ([re m opts]
   (scan-now m opts (fn [seg from to opts]
                      (let [s (regex/scanner seg from to re opts)]
                        (when (.find s) (regex/re-groups-of s)))))))

(defn count-matches
  "How many matches `re` has, building no strings. Options as for `re-seq`."
  ([re m] (count-matches re m nil))
  ([re m opts]
   (scan-now m opts (fn [seg from to opts]
                      (if (regex/parallel? re from to opts)
                        (with-open [p (regex/parallel-scan seg from to re nil opts)] (.countRemaining p))
                        (.count (regex/scanner seg from to re opts)))))))

(defn re-seq-reducible
  "`re-seq` as a reducible (IReduceInit) that builds no seq, like next.jdbc's plan."
  ([re m] (re-seq-reducible re m nil))
  ([re m opts] (reducible-of re m opts regex/re-groups-of)))

(defn matches-reducible
  "`matches` as a reducible (IReduceInit) that builds no seq."
  ([re m] (matches-reducible re m nil))
  ([re m opts] (reducible-of re m opts #(regex/match-map % 0))))
