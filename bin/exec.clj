;; -X / -T runner for bin/clojure, doing what the official CLI's clojure.run.exec does:
;; resolve the function (from the args, or :exec-fn), merge :exec-args with the
;; key/value args read as EDN, and call it with that one map.
(ns exec
  (:require [clojure.edn :as edn]
            [clojure.string :as str]))

(set! *warn-on-reflection* true)

(defn- read-arg [^String s]
  (try (edn/read-string s)
       (catch Exception _ s)))

(defn- resolve-fn [sym {:keys [ns-default ns-aliases]}]
  (let [sym (symbol sym)
        qualified (cond
                    (qualified-symbol? sym)
                    (let [ns-sym (symbol (namespace sym))]
                      (symbol (str (get ns-aliases ns-sym ns-sym)) (name sym)))
                    ns-default (symbol (str ns-default) (name sym))
                    :else (throw (ex-info (str "No namespace for function " sym
                                               " (set :ns-default in the alias)") {})))]
    (or (requiring-resolve qualified)
        (throw (ex-info (str "Function not found: " qualified) {})))))

(defn -main [& args]
  (let [argmap (some-> (System/getProperty "clojure.basis") slurp edn/read-string :argmap)
        [fn-name kvs] (if (and (seq args) (not (str/starts-with? (first args) ":"))
                               (odd? (count args)))
                        [(first args) (rest args)]
                        [(:exec-fn argmap) args])
        _ (when-not fn-name
            (throw (ex-info "No function given: name one, or set :exec-fn in the alias" {})))
        _ (when (odd? (count kvs))
            (throw (ex-info (str "Key without a value in " (pr-str kvs)) {})))
        f (resolve-fn fn-name argmap)
        overrides (reduce (fn [m [k v]]
                            (let [k (read-arg k)]
                              (if (vector? k) (assoc-in m k (read-arg v)) (assoc m k (read-arg v)))))
                          {} (partition 2 kvs))]
    (f (merge (:exec-args argmap) overrides))))

(try
  (apply -main *command-line-args*)
  (shutdown-agents)
  (System/exit 0)
  (catch Throwable t
    (binding [*out* *err*]
      (println (str "Execution error (" (.getSimpleName (class t)) "): " (.getMessage t)))
      (when-let [d (not-empty (ex-data t))] (prn d))
      (when-not (instance? clojure.lang.ExceptionInfo t) (.printStackTrace t)))
    (System/exit 1)))
