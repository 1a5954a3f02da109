(ns dev
  "REPL helpers and a tour. Start a REPL with `bin/clojure -M:dev` and evaluate the
  (comment ...) forms one at a time."
  (:require [clojure.datafy :refer [datafy]]
            [clojure.string :as str]
            [mmap.core :as m]
            [mmap.proc :as proc]
            [mmap.raw :as raw]))

(set! *warn-on-reflection* true)

(defn hexdump
  "Prints `length` bytes (default 256) of a mapping from `offset` as hex and ASCII, 16 a row."
  ([mp] (hexdump mp 0 256))
  ([mp offset] (hexdump mp offset 256))
  ([mp offset length]
   (let [length (min length (- (m/size mp) offset))
         ^bytes bs (m/bytes mp offset length)]
     (doseq [row (range 0 length 16)]
       (let [n (min 16 (- length row))
             cells (for [i (range n)] (bit-and 0xff (aget bs (+ row i))))]
         (println (format "%08x  %-48s |%s|" (+ offset row)
                          (str/join " " (map #(format "%02x" %) cells))
                          (apply str (map #(if (<= 32 % 126) (char %) \.) cells)))))))))

(defn residency-map
  "Prints one character per page, # where it is resident and . where not, 64 a row."
  [mp]
  (let [pages (m/residency mp)]
    (doseq [[row chunk] (map-indexed vector (partition-all 64 pages))]
      (println (format "%6d  %s" (* row 64) (apply str (map #(if % \# \.) chunk)))))
    (println (format "%d of %d pages resident" (count (filter true? pages)) (count pages)))))

(comment
  ;; --- the seed, raw and sharp as C ---
  (def fd (raw/open "deps.edn"))
  (def p (raw/mmap nil 50 raw/PROT_READ raw/MAP_SHARED fd 0))
  (String. (raw/blob-from-pointer p 50) "UTF-8")
  (proc/mapping-at p)                    ; the kernel's view of it
  (raw/munmap p 50)
  (proc/mapping-at p)                    ; gone
  (raw/close fd)

  ;; --- safe mappings ---
  (def mp (m/map-file "README.md"))
  mp                                     ; prints path, size, mode, open?; never the contents
  (datafy mp)                            ; address, pages, residency...
  (count mp)
  (nth mp 0)
  (take 10 mp)                           ; a chunked lazy seq of bytes
  (reduce + mp)                          ; reduces without a seq
  (hexdump mp 0 64)
  (m/index-of mp "mmap")
  (take 3 (m/lines mp))
  (m/advise! mp :will-need)
  (residency-map mp)
  (.close mp)
  (nth mp 0)                             ; an exception, not a crash

  ;; --- writing ---
  (def scratch (m/map-file "/tmp/scratch.bin" {:mode :read-write :create? true :length 4096}))
  (m/write! scratch 0 "hello")
  (m/sync! scratch)
  (slurp "/tmp/scratch.bin")
  (m/resize! scratch 8192)
  (m/protect! scratch #{:read})
  (.close scratch)

  ;; --- regex over a mapped file ---
  (with-open [mp (m/map-file "README.md")]
    (doall (take 5 (m/re-seq #"`([^`]+)`" mp))))
  (m/count-matches #"mmap" "README.md")
  (take 3 (m/grep #"TODO|FIXME" "src"))  ; grep -rn as values: path, line number, line, matches

  ;; --- binary data ---
  (def nums (m/map-file "/tmp/nums.bin" {:mode :read-write :create? true :length 8192}))
  (dotimes [i 1000] (m/put-long! nums (* 8 i) (* i i)))
  (m/get-long nums 16)                   ; little-endian by default
  (m/get-int nums 0 {:order :big})
  (def v (m/view nums :int64 {:count 1000}))
  v                                      ; prints type, count and order, not the numbers
  (reduce + v)                           ; a primitive loop, no boxing per element
  (m/get v 999)
  (m/get-and-add-long! nums 8000 1)      ; atomic: other processes mapping the file see it
  (.close nums)

  ;; --- the Java API, from the REPL ---
  (with-open [f (mmap.MappedFile/open (java.nio.file.Path/of "README.md" (make-array String 0)))
              s (.matches f #"`([^`]+)`")]
    (->> (.iterator s) iterator-seq (map #(.group ^mmap.Match % 1)) (take 5) doall))
  )
