# The statistics questions the benchmarks ask, all-time and over the last year (sourced by
# bench/stats.sh and bench/scale.sh): sets year_ago, today and queries.
year_ago=$(date -d "-365 days" +%Y-%m-%d)
today=$(date +%Y-%m-%d)
queries=(
    "/api/v1/stats"
    "/api/v1/stats?group_by=category"
    "/api/v1/stats?group_by=agency"
    "/api/v1/stats?group_by=province"
    "/api/v1/stats?group_by=district"
    "/api/v1/stats?group_by=status"
    "/api/v1/stats?group_by=month"
    "/api/v1/stats?group_by=category,month"
    "/api/v1/stats?group_by=district,month&from=$year_ago&to=$today"
    "/api/v1/stats?group_by=week&from=$year_ago&to=$today"
    "/api/v1/stats?group_by=day&from=$year_ago&to=$today"
    "/api/v1/stats?group_by=kind,channel&from=$year_ago&to=$today"
    "/api/v1/stats?group_by=month&category=road,flooding&area=10&from=$year_ago&to=$today"
    "/api/v1/stats/agencies"
    "/api/v1/stats/agencies?from=$year_ago&to=$today"
    "/api/v1/stats/trends"
)
