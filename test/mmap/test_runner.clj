(ns mmap.test-runner
  "Runs every *_test namespace under test/ with clojure.test and ends with the line
  `N passed, N failed` (counting test vars); exits non-zero on any failure or error.
  An optional argument is a regex that namespace names must match."
  (:require [clojure.java.io :as io]
            [clojure.string :as str]
            [clojure.test :as t]
            [mmap.test-support :as support]))

(set! *warn-on-reflection* true)

(defn- test-namespaces [only]
  (->> (file-seq (io/file "test"))
       (map #(.getPath ^java.io.File %))
       (filter #(str/ends-with? % "_test.clj"))
       (map #(-> % (subs 5 (- (count %) 4)) (str/replace "/" ".") (str/replace "_" "-") symbol))
       (filter #(or (nil? only) (re-find (re-pattern only) (name %))))
       sort))

(defn -main [& [only]]
  (let [nss (test-namespaces only)
        failed-vars (atom #{})
        passed-vars (atom 0)
        report t/report
        started (atom 0)]
    (run! require nss)
    (binding [t/report (fn [m]
                         (case (:type m)
                           (:fail :error) (swap! failed-vars conj (first t/*testing-vars*))
                           :begin-test-var (reset! started (System/nanoTime))
                           nil)
                         (when (= :end-test-var (:type m))
                           (let [secs (/ (- (System/nanoTime) @started) 1e9)]
                             ;; Slow tests are named, to keep the whole run to a few minutes.
                             (when (> secs 10) (println (format "  (%s took %.0f s)" (symbol (:var m)) secs))))
                           (when-not (contains? @failed-vars (:var m)) (swap! passed-vars inc)))
                         (report m))]
      (apply t/run-tests nss))
    (let [failed (count @failed-vars)
          skipped @support/skipped]
      (when (pos? skipped) (println (str skipped " skipped (see the SKIP lines above)")))
      ;; The last line is exactly this, which CI reads.
      (println (str @passed-vars " passed, " failed " failed"))
      (shutdown-agents)
      (System/exit (if (zero? failed) 0 1)))))
